namespace Lodestar.Events;

/// <summary>Reason codes of the cleaning rules. Stable strings: reports, quarantine rows and benchmarks use them.</summary>
public static class Reasons
{
    // Quarantine: the record (or order line) is kept aside, not applied to a profile.
    public const string DuplicateContent = "duplicate_content";
    public const string NearDuplicate = "near_duplicate";
    public const string EmptyRecord = "empty_record";
    public const string TestRecord = "test_record";
    public const string FakePhone = "fake_phone";
    public const string MissingIdentity = "missing_identity";
    public const string ImpossibleAmount = "impossible_amount";
    public const string ImpossibleQuantity = "impossible_quantity";
    public const string ZeroPrice = "zero_price";
    public const string FutureTimestamp = "future_timestamp";
    public const string BeforeBusinessStart = "before_business_start";

    // Repairs: the record is kept, changed as stated.
    public const string Cancellation = "cancellation";
    public const string PhoneNormalised = "phone_normalised";
    public const string FakePhoneRemoved = "fake_phone_removed";
    public const string TimestampToUtc = "timestamp_to_utc";
    public const string RegionCoded = "region_coded";
}

/// <summary>One rule's verdict on a record, or on one line of it (<see cref="Line"/> ≥ 0).</summary>
public sealed record Finding(string Code, bool Quarantines, string Detail, int Line = -1);
