using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Identity;

namespace Lodestar.Profiles;

/// <summary>Running totals folded from a customer's events. Sums only, so merging two profiles adds them.</summary>
public sealed record Counters
{
    public static readonly Counters Zero = new();

    public long Events { get; init; }
    public long PageViews { get; init; }
    public long Sessions { get; init; }
    public long DwellSeconds { get; init; }
    public long Searches { get; init; }
    public long CartAdds { get; init; }
    public long Orders { get; init; }
    public long Cancellations { get; init; }
    public long DiscountedOrders { get; init; }
    public long SpendMinor { get; init; }
    public long RefundMinor { get; init; }
    public long ServiceContacts { get; init; }
    public long Complaints { get; init; }
    public DateTimeOffset? FirstOrderAt { get; init; }
    public DateTimeOffset? LastOrderAt { get; init; }
    public DateTimeOffset? LastCartAt { get; init; }

    public static Counters operator +(Counters a, Counters b) => new()
    {
        Events = a.Events + b.Events,
        PageViews = a.PageViews + b.PageViews,
        Sessions = a.Sessions + b.Sessions,
        DwellSeconds = a.DwellSeconds + b.DwellSeconds,
        Searches = a.Searches + b.Searches,
        CartAdds = a.CartAdds + b.CartAdds,
        Orders = a.Orders + b.Orders,
        Cancellations = a.Cancellations + b.Cancellations,
        DiscountedOrders = a.DiscountedOrders + b.DiscountedOrders,
        SpendMinor = a.SpendMinor + b.SpendMinor,
        RefundMinor = a.RefundMinor + b.RefundMinor,
        ServiceContacts = a.ServiceContacts + b.ServiceContacts,
        Complaints = a.Complaints + b.Complaints,
        FirstOrderAt = Min(a.FirstOrderAt, b.FirstOrderAt),
        LastOrderAt = Max(a.LastOrderAt, b.LastOrderAt),
        LastCartAt = Max(a.LastCartAt, b.LastCartAt),
    };

    internal static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    internal static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>A recent event as the profile shows it.</summary>
public sealed record EventSummary(string MessageId, string Type, string? Name, DateTimeOffset Timestamp, string Source);

/// <summary>A tag's current value, which rule family set it and when.</summary>
public sealed record TagValue(string Value, string Family, DateTimeOffset SetAt);

/// <summary>Consent for one channel and purpose (key "marketing.sms"); withdrawal keeps its timestamp.</summary>
public sealed record ConsentState(bool Granted, DateTimeOffset At, string Source);

/// <summary>A contact point that hard-bounced or was rejected as invalid: no journey sends on its channel until a new one arrives.</summary>
public sealed record UnusableContact(DateTimeOffset At, string Reason);

/// <summary>An identifier as the profile shows it: personal kinds only masked.</summary>
public sealed record IdentityView(IdKind Kind, string Display);

/// <summary>
/// The customer's most recent phone number or email (by event time), sealed (<see cref="Identifier.Sealed"/>): what the
/// SMS and email senders unseal to address a message. Never shown: see <see cref="Profile.ForDisplay"/>.
/// </summary>
public sealed record ContactPoint(IdKind Kind, string Sealed, DateTimeOffset At);

/// <summary>The 360° profile of one customer. Built only by <see cref="ProfileFold"/>; never holds raw personal data.</summary>
public sealed record Profile
{
    public const int RecentEventCount = 20;

    public required CustomerId Id { get; init; }
    /// <summary>The stored version this profile was read at (0 = new); stores refuse a save over a newer version.</summary>
    public long Version { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public ImmutableArray<IdentityView> Identities { get => _identities.IsDefault ? [] : _identities; init => _identities = value; }
    private readonly ImmutableArray<IdentityView> _identities;
    public ImmutableSortedDictionary<string, string> Traits { get => _traits ?? ImmutableSortedDictionary<string, string>.Empty; init => _traits = value; }
    private readonly ImmutableSortedDictionary<string, string>? _traits;
    public Counters Counters { get => _counters ?? Counters.Zero; init => _counters = value; }
    private readonly Counters? _counters;
    /// <summary>Units bought per product category (preference tags read it).</summary>
    public ImmutableSortedDictionary<string, long> Categories { get => _categories ?? ImmutableSortedDictionary<string, long>.Empty; init => _categories = value; }
    private readonly ImmutableSortedDictionary<string, long>? _categories;
    public ImmutableArray<EventSummary> RecentEvents { get => _recentEvents.IsDefault ? [] : _recentEvents; init => _recentEvents = value; }
    private readonly ImmutableArray<EventSummary> _recentEvents;
    public ImmutableSortedDictionary<string, TagValue> Tags { get => _tags ?? ImmutableSortedDictionary<string, TagValue>.Empty; init => _tags = value; }
    private readonly ImmutableSortedDictionary<string, TagValue>? _tags;
    public ImmutableSortedDictionary<string, ConsentState> Consent { get => _consent ?? ImmutableSortedDictionary<string, ConsentState>.Empty; init => _consent = value; }
    private readonly ImmutableSortedDictionary<string, ConsentState>? _consent;
    /// <summary>Channels ("sms", "email", …) whose contact point is unusable (hard bounce, invalid number), with when and why.</summary>
    public ImmutableSortedDictionary<string, UnusableContact> Unusable { get => _unusable ?? ImmutableSortedDictionary<string, UnusableContact>.Empty; init => _unusable = value; }
    private readonly ImmutableSortedDictionary<string, UnusableContact>? _unusable;
    /// <summary>Sealed contact points, at most one per kind (phone, email), ordered by kind; stored, never shown.</summary>
    public ImmutableArray<ContactPoint> Contacts { get => _contacts.IsDefault ? [] : _contacts; init => _contacts = value; }
    private readonly ImmutableArray<ContactPoint> _contacts;
    /// <summary>Customer ids merged into this one, oldest merge first.</summary>
    public ImmutableArray<CustomerId> MergedFrom { get => _mergedFrom.IsDefault ? [] : _mergedFrom; init => _mergedFrom = value; }
    private readonly ImmutableArray<CustomerId> _mergedFrom;

    /// <summary>The sealed contact point of <paramref name="kind"/>, if the customer gave one.</summary>
    public ContactPoint? Contact(IdKind kind)
    {
        foreach (var c in Contacts)
        {
            if (c.Kind == kind)
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>
    /// This profile as API responses and exports show it: without the sealed contact points, which only the stores
    /// and the senders handle (docs/adr/0007).
    /// </summary>
    public Profile ForDisplay() => Contacts.IsEmpty ? this : this with { Contacts = [] };

    /// <summary>Cold start: a customer with little history, whose tags are still filling in (about two weeks).</summary>
    public bool ColdStart => Counters.Events < 10 && LastSeen - FirstSeen < TimeSpan.FromDays(14);
}
