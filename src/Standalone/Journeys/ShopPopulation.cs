using System.Collections.Immutable;
using System.Text;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Profiles;
using Lodestar.Scoring;
using Lodestar.Simulation;
using Lodestar.Tags;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// The synthetic shop as a simulation population: its requests go through the real parsers, the Cleaner and the
/// ingest use case into an in-memory store; each customer's events before the simulated period fold into their
/// starting profile (with the tag rules and an RFM-based lifecycle tier, so segment journeys have members), and the
/// events of the period are replayed during the simulation. Used by <c>bench journeys</c> (the engine's inputs) and the
/// demo (the sample journeys over the demo's customers).
/// </summary>
internal sealed record ShopPopulation(
    ImmutableArray<SimulationCustomer> Customers,
    DateTimeOffset Start,
    DateTimeOffset End,
    Func<Profile, CustomerEvent, Profile> Fold,
    int Records,
    int Events)
{
    private static readonly byte[] SimulationKey = Encoding.UTF8.GetBytes("lodestar-journey-simulation-hmac-key-0001");

    /// <summary>The shop's customers with their last <paramref name="days"/> days of events to replay.</summary>
    public static Task<ShopPopulation> BuildAsync(int customers, int seed, int days, DateTimeOffset end, CancellationToken ct) =>
        FromShopAsync(SyntheticShop.Generate(new SyntheticShopOptions { Customers = customers, Seed = seed, End = end, Months = Math.Max(6, days / 30 + 2) }), days, ct);

    /// <summary>A generated shop's customers with their last <paramref name="days"/> days of events to replay.</summary>
    public static async Task<ShopPopulation> FromShopAsync(SyntheticShop shop, int days, CancellationToken ct)
    {
        var store = new MemoryIngestStore(keepEvents: true);
        var ingest = new IngestEvents(store, TagRuleSet.Default, new FixedClock(shop.End));
        var cleaner = new Cleaner(new PiiProtector(SimulationKey), CleaningOptions.Default);
        var context = shop.Context;
        foreach (var chunk in shop.Records.Chunk(1_000))
        {
            ct.ThrowIfCancellationRequested();
            var batch = new List<CleanResult>(chunk.Length);
            foreach (var record in chunk)
            {
                var parsed = IngestRoutes.Parse(record.Route, record.Body, context);
                if (parsed.IsValid)
                {
                    batch.Add(cleaner.Clean(parsed.Value!, context.ReceivedAt));
                }
            }
            await ingest.IngestAsync(batch, ct);
        }

        var start = shop.End.AddDays(-days);
        var zone = LocalTime.FixedOffset(SyntheticShop.ShopOffset);
        var everyRule = TagRuleSet.Default.Rules;
        var realtime = TagRuleSet.Default.For(TagCadence.Realtime).ToArray();
        var people = new List<(Profile Profile, ImmutableArray<CustomerEvent> Events, ActivityHistogram Activity)>();
        foreach (var group in store.Events.Select((e, i) => (Customer: store.Resolve(e.Customer), e.Event, i))
            .GroupBy(x => x.Customer).OrderBy(g => g.Key.Value, StringComparer.Ordinal))
        {
            var events = group.OrderBy(x => x.Event.Timestamp).ThenBy(x => x.i).Select(x => x.Event).ToImmutableArray();
            var before = events.Where(e => e.Timestamp < start).ToList();
            var profile = ProfileFold.Start(group.Key, before.Count > 0 ? before[0].Timestamp : events[0].Timestamp);
            foreach (var e in before)
            {
                profile = ProfileFold.Apply(profile, e);
            }
            profile = TagEngine.Apply(profile, everyRule, start);
            people.Add((profile, events, ActivityHistogram.FromTimestamps(before.Select(e => e.Timestamp), zone)));
        }
        var tiered = AssignTiers([.. people.Select(p => p.Profile)], start);
        return new ShopPopulation(
            [.. people.Select((p, i) => new SimulationCustomer(tiered[i], p.Events, p.Activity))],
            start,
            shop.End,
            (profile, e) => TagEngine.Apply(ProfileFold.Apply(profile, e), realtime, e.Timestamp),
            shop.Records.Length,
            store.Events.Count);
    }

    /// <summary>RFM scores over the buyers at the start, then the default lifecycle tiers: the <c>tier</c> and <c>rfm_segment</c> tags.</summary>
    private static List<Profile> AssignTiers(List<Profile> profiles, DateTimeOffset now)
    {
        var buyers = profiles.Where(p => p.Counters.Orders > 0 && p.Counters.LastOrderAt is not null).ToList();
        var analysis = Rfm.Analyse([.. buyers.Select(p => new RfmCustomer(p.Id.Value, (int)(now - p.Counters.LastOrderAt!.Value).TotalDays, p.Counters.Orders,
            (p.Counters.SpendMinor - p.Counters.RefundMinor) / 100.0))], RfmScheme.Default);
        var scores = analysis.Customers.ToDictionary(r => r.Customer.Key, r => r, StringComparer.Ordinal);
        return [.. profiles.Select(p =>
        {
            var result = scores.TryGetValue(p.Id.Value, out var r) ? r : (RfmResult?)null;
            var tier = TierRuleSet.Default.Assign(new TierInput
            {
                Score = result?.Score,
                RfmSegment = result?.Segment,
                TenureDays = (now - p.FirstSeen).TotalDays,
                DaysSinceLastOrder = p.Counters.LastOrderAt is { } o ? (now - o).TotalDays : null,
                Orders = p.Counters.Orders,
                Monetary = (p.Counters.SpendMinor - p.Counters.RefundMinor) / 100.0,
            });
            var tags = p.Tags.SetItem(ScoringTags.Tier, new TagValue(tier, ScoringTags.ValueFamily, now));
            if (result is { } scored)
            {
                tags = tags.SetItem(ScoringTags.RfmSegment, new TagValue(scored.Segment, ScoringTags.ValueFamily, now));
            }
            return p with { Tags = tags };
        })];
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
