using Lodestar.Customers;
using Lodestar.EventHubs;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Sqlite;
using Lodestar.Tags;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

public sealed class PartitionKeyTests
{
    private static CustomerEvent With(params Identifier[] ids) => Samples.Identify().Event with { Ids = [.. ids] };

    private static readonly Identifier Member = Samples.Pii.Protect(IdKind.Member, "M1001");
    private static readonly Identifier Phone = Samples.Pii.Protect(IdKind.Phone, "+86" + Samples.RawPhone);
    private static readonly Identifier OpenId = Samples.Pii.Protect(IdKind.OpenId, "o-abc");
    private static readonly Identifier Anonymous = Samples.Pii.Protect(IdKind.Anonymous, "anon-7");

    [Fact]
    public void PartitionKey_IsTheCustomerKeyOfTheStrongestIdentifier()
    {
        var key = EventHubsSink.PartitionKeyOf(With(Anonymous, OpenId, Phone, Member));

        Assert.Equal(CustomerId.DerivedFrom(Member.GraphKey).Value, key);
    }

    [Fact]
    public void PartitionKey_WithoutMember_FallsToTheNextStrongest()
    {
        Assert.Equal(CustomerId.DerivedFrom(Phone.GraphKey).Value, EventHubsSink.PartitionKeyOf(With(Anonymous, Phone, OpenId)));
        Assert.Equal(CustomerId.DerivedFrom(OpenId.GraphKey).Value, EventHubsSink.PartitionKeyOf(With(Anonymous, OpenId)));
    }

    [Fact]
    public void PartitionKey_DoesNotDependOnIdentifierOrder()
    {
        Assert.Equal(EventHubsSink.PartitionKeyOf(With(Member, Anonymous, Phone)), EventHubsSink.PartitionKeyOf(With(Phone, Anonymous, Member)));
    }

    [Fact]
    public void PartitionKey_SameMember_DifferentWeakerIds_SamePartition()
    {
        var web = With(Member, Anonymous);
        var miniProgram = With(OpenId, Member);

        Assert.Equal(EventHubsSink.PartitionKeyOf(web), EventHubsSink.PartitionKeyOf(miniProgram));
    }

    [Fact]
    public void PartitionKey_AliasCountsThePreviousId()
    {
        var alias = With(Anonymous) with { Type = EventType.Alias, PreviousId = Member };

        Assert.Equal(CustomerId.DerivedFrom(Member.GraphKey).Value, EventHubsSink.PartitionKeyOf(alias));
    }

    [Fact]
    public void PartitionKey_ShowsNoIdentifier_AndFitsEventHubsLimit()
    {
        var longMember = Samples.Pii.Protect(IdKind.Member, new string('9', 400));

        var key = EventHubsSink.PartitionKeyOf(With(longMember, Phone));

        Assert.True(key.Length <= 128);
        Assert.DoesNotContain("999", key, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone.Key, key, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionKey_WithoutIdentifiers_IsStablePerMessage()
    {
        var e = Samples.Anonymousless().Event;

        Assert.Equal(EventHubsSink.PartitionKeyOf(e), EventHubsSink.PartitionKeyOf(e with { }));
        Assert.NotEqual(EventHubsSink.PartitionKeyOf(e), EventHubsSink.PartitionKeyOf(e with { MessageId = "other" }));
    }

    /// <summary>The key is the id ingestion gives a customer it first meets with that event: its events share a partition.</summary>
    [Fact]
    public async Task PartitionKey_EqualsTheCustomerIdIngestionAssigns()
    {
        using var folder = new TempFolder();
        using var store = SqliteStore.Open(Path.Combine(folder.Path, "store.db"));
        var ingest = new IngestEvents(store, TagRuleSet.Default, new FixedTimeProvider(Samples.T0));
        var identify = Samples.Identify();

        var report = await ingest.IngestAsync([identify], TestContext.Current.CancellationToken);

        Assert.Equal(Outcome.Accepted, report.Items[0].Outcome);
        Assert.Equal(report.Items[0].CustomerId, EventHubsSink.PartitionKeyOf(identify.Event));
    }

    [Fact]
    public void ResultOf_Clean_IsAcceptedWithItsRepairs_AndNoCustomerYet()
    {
        var result = EventHubsSink.ResultOf(Samples.Identify());

        Assert.Equal(Outcome.Accepted, result.Outcome);
        Assert.Null(result.CustomerId);
        Assert.Contains(Reasons.PhoneNormalised, result.Reasons);
    }

    [Fact]
    public void ResultOf_Quarantined_CarriesTheStatelessReasons()
    {
        var result = EventHubsSink.ResultOf(Samples.Anonymousless());

        Assert.Equal(Outcome.Quarantined, result.Outcome);
        Assert.Equal([Reasons.MissingIdentity], result.Reasons);
    }
}
