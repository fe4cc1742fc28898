using CsCheck;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Ingestion;

/// <summary>
/// Identity resolution over random event sets: the customers found must not depend on the order (or batching) in which
/// events arrive. The expected partition comes from its definition, the connected components of "appear in one event".
/// </summary>
public sealed class IdentityResolutionPropertyTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    /// <summary>What one generated event is: which identifiers (indexes into the pool) it carries, and what kind of event.</summary>
    public sealed record Spec(int[] Ids, int Kind, int Quantity, int PriceMinor);

    private const int Kinds = 6; // page, product viewed, product added, identify, alias, order

    private static Gen<Spec> GenSpec(int poolSize, Func<int[], bool> allowed) =>
        Gen.Select(Gen.Int[0, poolSize - 1].HashSet[1, 3], Gen.Int[0, Kinds - 1], Gen.Int[1, 3], Gen.Int[100, 5_000])
            .Select((ids, kind, q, p) => new Spec([.. ids.Order()], kind, q, p))
            .Where(s => allowed(s.Ids));

    private static Gen<(Spec[] Specs, int[] Order, int[] Cuts)> GenRun(Identifier[] pool, Func<int[], bool> allowed) =>
        from specs in GenSpec(pool.Length, allowed).Array[1, 10]
        from order in Gen.Shuffle(Enumerable.Range(0, specs.Length).ToArray())
        from cuts in Gen.Int[1, 4].Array[specs.Length]
        select (specs, order, cuts);

    /// <summary>Event <paramref name="i"/> of a run, an hour after event i − 1, so no two are duplicates or share a session.</summary>
    private static CustomerEvent ToEvent(Spec s, int i, Identifier[] pool)
    {
        var ids = s.Ids.Select(x => pool[x]).ToArray();
        var at = T0.AddHours(i - 20);
        var id = $"e{i}";
        return s.Kind switch
        {
            0 => Event(id, EventType.Page, "Home", ids: ids, at: at),
            1 => Event(id, name: "Product Viewed", ids: ids, at: at),
            2 => Event(id, name: "Product Added", ids: ids, at: at),
            3 => Event(id, EventType.Identify, null, ids: ids, at: at),
            4 when ids.Length > 1 => Event(id, EventType.Alias, null, ids: ids[..^1], previousId: ids[^1], at: at),
            4 => Event(id, EventType.Alias, null, ids: ids, at: at),
            _ => Event(id, EventType.Order, "Order Completed", ids: ids, at: at,
                order: Order($"O{i}", lines: [Line($"SKU-{i}", s.Quantity, s.PriceMinor)])),
        };
    }

    private static async Task<InMemoryIngestStore> IngestInBatches(IEnumerable<CustomerEvent> events, int[] cuts)
    {
        var store = new InMemoryIngestStore();
        var ingest = new IngestEvents(store, TagRuleSet.Default, new FixedTimeProvider(T0));
        var pending = events.ToList();
        for (var b = 0; pending.Count > 0; b++)
        {
            var size = Math.Min(cuts[b % cuts.Length], pending.Count);
            var report = await ingest.IngestAsync([.. pending.Take(size).Select(Clean)], CancellationToken.None);
            Assert.All(report.Items, i => Assert.Equal(Outcome.Accepted, i.Outcome));
            pending.RemoveRange(0, size);
        }
        return store;
    }

    /// <summary>The partition as text: each cluster's graph keys sorted, clusters sorted. Customer ids play no part.</summary>
    private static string Partition(IEnumerable<IEnumerable<string>> clusters) =>
        string.Join(" | ", clusters.Select(c => string.Join(",", c.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal));

    /// <summary>Connected components of the identifiers, joined whenever two appear in one event (union–find).</summary>
    private static List<List<string>> Components(IEnumerable<CustomerEvent> events)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string k)
        {
            while (parent[k] != k)
            {
                k = parent[k];
            }
            return k;
        }
        foreach (var e in events)
        {
            var keys = e.Ids.Append(e.PreviousId).OfType<Identifier>().Select(i => i.GraphKey).ToList();
            foreach (var k in keys)
            {
                parent.TryAdd(k, k);
            }
            foreach (var k in keys.Skip(1))
            {
                parent[Find(k)] = Find(keys[0]);
            }
        }
        return [.. parent.Keys.GroupBy(Find).Select(g => g.ToList())];
    }

    /// <summary>The additive counters; <see cref="Counters.Sessions"/> is left out because sessions depend on arrival order by design.</summary>
    private static Counters Additive(Counters c) => c with { Sessions = 0 };

    private static Dictionary<string, Counters> CountersByCluster(InMemoryIngestStore store) =>
        store.Clusters.ToDictionary(c => Partition([c]), c => Additive(store.Profiles[c.Key].Counters), StringComparer.Ordinal);

    // ---- one member id in the pool: identity resolution is plain union of identifiers ----

    private static readonly Identifier[] OneMemberPool =
    [
        Pii.Member("M1"), Pii.Anonymous("a1"), Pii.Anonymous("a2"), Pii.Anonymous("a3"),
        Pii.OpenId("o1"), Pii.OpenId("o2"), Pii.Phone("+8613912847563"),
    ];

    [Fact]
    public Task Ingest_AnyArrivalOrder_GivesTheSamePartitionAndCounters() =>
        GenRun(OneMemberPool, _ => true).SampleAsync(async (specs, order, cuts) =>
        {
            var events = specs.Select((s, i) => ToEvent(s, i, OneMemberPool)).ToArray();

            var inOrder = await IngestInBatches(events, [1]);
            var shuffled = await IngestInBatches(order.Select(i => events[i]), cuts);

            var expected = Components(events);
            Assert.Equal(Partition(expected), Partition(inOrder.Clusters));
            Assert.Equal(Partition(expected), Partition(shuffled.Clusters));
            Assert.Equal(expected.Count, shuffled.Profiles.Count);

            // Totals per cluster, from the events themselves and from both runs.
            var byCluster = expected.ToDictionary(Partition1, c => events.Where(e => c.Contains(e.Ids[0].GraphKey)).ToList(), StringComparer.Ordinal);
            var counters = CountersByCluster(shuffled);
            Assert.Equal(CountersByCluster(inOrder), counters);
            foreach (var (cluster, clusterEvents) in byCluster)
            {
                var c = counters[cluster];
                Assert.Equal(clusterEvents.Count, c.Events);
                Assert.Equal(clusterEvents.Count(e => e.Type == EventType.Page), c.PageViews);
                Assert.Equal(clusterEvents.Count(e => e.Name == "Product Added"), c.CartAdds);
                Assert.Equal(clusterEvents.Count(e => e.Order is not null), c.Orders);
                Assert.Equal(clusterEvents.Sum(e => e.Order?.AmountMinor ?? 0), c.SpendMinor);
                Assert.Equal(clusterEvents.Where(e => e.Order is not null).Select(e => (DateTimeOffset?)e.Timestamp).Min(), c.FirstOrderAt);
            }

            // Every event is stored once, under the customer its identifiers resolve to now.
            Assert.Equal(events.Length, shuffled.Events.Count);
            Assert.All(shuffled.Events, e => Assert.Equal(shuffled.CustomerOf(e.Event.Ids[0]), e.Customer));
        }, print: Describe(OneMemberPool));

    private static string Partition1(List<string> cluster) => Partition([cluster]);

    // ---- two member ids: a shared weaker identifier must never join them ----

    private static readonly Identifier[] TwoMemberPool =
    [
        Pii.Member("M1"), Pii.Member("M2"), Pii.Anonymous("tablet"), Pii.Anonymous("a2"), Pii.OpenId("o1"),
    ];

    private static bool AtMostOneMember(int[] ids) => ids.Count(i => i < 2) <= 1;

    [Fact]
    public Task Ingest_TwoMembersSharingWeakerIdentifiers_AreNeverOneCustomer() =>
        GenRun(TwoMemberPool, AtMostOneMember).SampleAsync(async (specs, order, cuts) =>
        {
            var events = specs.Select((s, i) => ToEvent(s, i, TwoMemberPool)).ToArray();

            var store = await IngestInBatches(order.Select(i => events[i]), cuts);

            var members = TwoMemberPool[..2].Select(m => m.GraphKey).ToHashSet(StringComparer.Ordinal);
            Assert.All(store.Clusters, c => Assert.True(c.Count(members.Contains) <= 1, $"one customer holds {string.Join(", ", c)}"));
            Assert.All(store.Profiles.Values, p => Assert.True(p.Identities.Count(i => i.Kind == IdKind.Member) <= 1, $"{p.Id} shows two member ids"));
            // No event is lost, and an event carrying a member id belongs to that member's customer.
            Assert.Equal(events.Length, store.Profiles.Values.Sum(p => p.Counters.Events));
            Assert.All(store.Events, e =>
            {
                if (e.Event.Ids.FirstOrDefault(i => i.Kind == IdKind.Member) is { } member)
                {
                    Assert.Equal(store.CustomerOf(member), e.Customer);
                }
            });
        }, print: Describe(TwoMemberPool));

    private static Func<(Spec[] Specs, int[] Order, int[] Cuts), string> Describe(Identifier[] pool) => run =>
        $"events [{string.Join("; ", run.Specs.Select((s, i) => $"e{i}: kind {s.Kind} ids {string.Join("+", s.Ids.Select(x => $"{pool[x].Kind}:{pool[x].Display}"))}"))}]"
        + $" arriving {string.Join(",", run.Order.Select(i => $"e{i}"))} in batches of {string.Join(",", run.Cuts)}";
}
