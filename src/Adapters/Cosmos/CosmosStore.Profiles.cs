using System.Runtime.CompilerServices;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

public sealed partial class CosmosStore
{
    public async Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken) =>
        (await ResolveAsync(id, cancellationToken)).Doc?.Profile;

    public async Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken)
    {
        var links = await ReadKeysAsync([Keys.Identity(graphKey)], cancellationToken);
        if (links.Count == 0)
        {
            return null;
        }
        // A link written before a merge finished re-pointing it still names the merged-away id: follow it.
        var linked = CustomerId.Parse(links.Values.Single().CustomerId!);
        var (survivor, doc, _) = await ResolveAsync(linked, cancellationToken);
        return doc is null ? linked : survivor;
    }

    public async Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken) =>
        (await ReadDocAsync(id, cancellationToken))?.Merges ?? [];

    /// <summary>Every live profile (aliases of merged-away ids left out), 1,000 a page, across all partitions.</summary>
    public async IAsyncEnumerable<Profile> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE NOT IS_DEFINED(c.mergedInto)");
        await foreach (var d in QueryAsync(_profiles, query, new QueryRequestOptions { MaxItemCount = 1_000 }, cancellationToken))
        {
            yield return d.Deserialize<Profile>(DomainJson.Options)!;
        }
    }

    public async Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var conflicts = new System.Collections.Concurrent.ConcurrentBag<CustomerId>();
        await ForEachAsync(profiles, cancellationToken, async (p, ct) =>
        {
            if (await WriteProfileAsync(p, null, [], ct) is null)
            {
                conflicts.Add(p.Id);
            }
        });
        return [.. conflicts];
    }

    /// <summary>
    /// Erases the customer <paramref name="requested"/> names (following merges) with every id merged into it: identities
    /// documents (links and markers), events, quarantined records holding its identifiers, aliases, and the profile last,
    /// so an erasure cut short is found and finished by running it again.
    /// </summary>
    public async Task<bool> EraseAsync(CustomerId requested, CancellationToken cancellationToken)
    {
        var (id, doc, _) = await ResolveAsync(requested, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal) { id.Value };
        if (doc?.Profile is { } profile)
        {
            ids.UnionWith(profile.MergedFrom.Select(m => m.Value));
        }
        // Aliases of ids merged into this customer (and into those), whether or not the profile lists them.
        for (var frontier = ids.ToList(); frontier.Count > 0;)
        {
            var aliases = await QueryAsync(_profiles, In("SELECT c.id FROM c WHERE c.mergedInto IN ({0})", frontier), null, cancellationToken)
                .Select(d => d.GetProperty("id").GetString()!).ToListAsync(cancellationToken);
            frontier = [.. aliases.Where(ids.Add)];
        }
        var removed = 0;
        var keys = await QueryAsync(_identities, In("SELECT * FROM c WHERE c.customerId IN ({0})", ids), null, cancellationToken)
            .Select(d => d.Deserialize<KeyDocument>(DomainJson.Options)!).ToListAsync(cancellationToken);
        await ForEachAsync(keys, cancellationToken, async (k, ct) => await DeleteAsync(_identities, k.Id, k.IdHash, ct));
        removed += keys.Count;
        foreach (var customer in ids)
        {
            var events = await QueryAsync(_events, new QueryDefinition("SELECT c.id FROM c WHERE c.customerId = @c").WithParameter("@c", customer), null, cancellationToken)
                .Select(d => d.GetProperty("id").GetString()!).ToListAsync(cancellationToken);
            await ForEachAsync(events, cancellationToken, async (e, ct) => await DeleteAsync(_events, e, customer, ct));
            removed += events.Count;
        }
        // Quarantined records are attributed to no customer; like the SQLite store, find them by the protected keys they hold.
        foreach (var graphKey in keys.Where(k => k.Key is not null).Select(k => k.Key!))
        {
            var needle = "\"key\":\"" + graphKey[(graphKey.IndexOf(':', StringComparison.Ordinal) + 1)..] + "\"";
            var records = await QueryAsync(_deadLetters, new QueryDefinition("SELECT c.id, c.source FROM c WHERE c.type = 'quarantine' AND CONTAINS(c.payload, @v)").WithParameter("@v", needle),
                new QueryRequestOptions { EnableScanInQuery = true }, cancellationToken).ToListAsync(cancellationToken);
            foreach (var r in records)
            {
                await DeleteAsync(_deadLetters, r.GetProperty("id").GetString()!, r.GetProperty("source").GetString()!, cancellationToken);
            }
        }
        foreach (var customer in ids.Where(c => c != id.Value).Append(id.Value))
        {
            if (customer != id.Value || doc is not null)
            {
                await DeleteAsync(_profiles, customer, customer, cancellationToken);
                removed++;
            }
            _seen.Forget(CustomerId.Parse(customer));
        }
        if (removed > 0)
        {
            CosmosLog.Erased(_log, id.Value, removed);
        }
        return removed > 0;
    }

    /// <summary>A query with an IN list, one parameter per value.</summary>
    private static QueryDefinition In(string format, IEnumerable<string> values)
    {
        var list = values.ToList();
        var query = new QueryDefinition(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, string.Join(", ", list.Select((_, i) => $"@p{i}"))));
        for (var i = 0; i < list.Count; i++)
        {
            query = query.WithParameter($"@p{i}", list[i]);
        }
        return query;
    }
}
