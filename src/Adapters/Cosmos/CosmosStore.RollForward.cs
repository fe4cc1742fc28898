using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

public sealed partial class CosmosStore
{
    /// <summary>
    /// Applies a profile's pending commit to the other containers (every step an upsert or a delete, so doing it twice
    /// is harmless) and then removes it from the profile, conditionally: if the profile moved on meanwhile, whoever moved
    /// it had finished this commit first.
    /// </summary>
    private async Task<StoredDoc> RollForwardAsync(CustomerId id, StoredDoc doc, bool repair, CancellationToken cancellationToken)
    {
        var pending = doc.Envelope.Pending!;
        if (repair)
        {
            CosmosLog.FinishingCommit(_log, id.Value, pending.Events.Length, pending.Links.Length, pending.Merges.Length);
        }
        await ApplyAsync(id, pending, cancellationToken);
        using var r = await _profiles.PatchItemStreamAsync(id.Value, Pk(id.Value), [PatchOperation.Remove("/pending")],
            new PatchItemRequestOptions { IfMatchEtag = doc.ETag }, cancellationToken);
        if (r.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            _seen.Forget(id);
            return doc with { Envelope = doc.Envelope with { Pending = null } };
        }
        r.EnsureSuccessStatusCode();
        var done = doc with { Envelope = doc.Envelope with { Pending = null }, ETag = r.Headers.ETag };
        _seen.Put(id, new VersionCache.Entry(done.Envelope.Version, done.ETag, done.Merges));
        return done;
    }

    /// <summary>Writes what a commit did for one customer outside its profile: events, links, markers, then merges.</summary>
    private async Task ApplyAsync(CustomerId? customer, PendingCommit pending, CancellationToken cancellationToken)
    {
        var writes = new List<Func<CancellationToken, Task>>();
        if (customer is { } c)
        {
            foreach (var e in pending.Events)
            {
                writes.Add(async ct =>
                {
                    using (var body = Documents.Event(c, e))
                    using (var r = await _events.UpsertItemStreamAsync(body, Pk(c.Value), cancellationToken: ct))
                    {
                        r.EnsureSuccessStatusCode();
                    }
                    await UpsertKeyAsync(Documents.Marker(Keys.MessageType, Keys.Message(e.MessageId), c), ct);
                });
            }
            foreach (var l in pending.Links)
            {
                writes.Add(ct => UpsertKeyAsync(Documents.Link(l.GraphKey, c, l.Kind, l.Display), ct));
            }
        }
        foreach (var f in pending.Fingerprints)
        {
            writes.Add(ct => UpsertKeyAsync(Documents.Marker(Keys.FingerprintType, Keys.Fingerprint(f), customer), ct));
        }
        await ForEachAsync(writes, cancellationToken, async (w, ct) => await w(ct));
        foreach (var m in pending.Merges)
        {
            await ApplyMergeAsync(m, cancellationToken);
        }
    }

    /// <summary>
    /// Moves what the merged-away customer had to the survivor: its identities documents are re-pointed, its events
    /// move partition (copy, then delete), and its profile document becomes an alias that keeps its merge records.
    /// </summary>
    private async Task ApplyMergeAsync(MergeRecord merge, CancellationToken cancellationToken)
    {
        var (survivor, merged) = (merge.Survivor, merge.Merged);
        var keys = await QueryAsync(_identities, new QueryDefinition("SELECT * FROM c WHERE c.customerId = @c").WithParameter("@c", merged.Value), null, cancellationToken)
            .Select(d => d.Deserialize<KeyDocument>(DomainJson.Options)!).ToListAsync(cancellationToken);
        await ForEachAsync(keys, cancellationToken, async (k, ct) => await UpsertKeyAsync(k with { CustomerId = survivor.Value }, ct));
        var events = await QueryAsync(_events, new QueryDefinition("SELECT * FROM c WHERE c.customerId = @c").WithParameter("@c", merged.Value), null, cancellationToken)
            .ToListAsync(cancellationToken);
        await ForEachAsync(events, cancellationToken, async (e, ct) =>
        {
            var node = JsonObject.Create(e)!;
            var id = node["id"]!.GetValue<string>();
            node["customerId"] = survivor.Value;
            foreach (var system in new[] { "_rid", "_self", "_etag", "_attachments", "_ts" })
            {
                node.Remove(system);
            }
            using (var body = Documents.Stream(node))
            using (var r = await _events.UpsertItemStreamAsync(body, Pk(survivor.Value), cancellationToken: ct))
            {
                r.EnsureSuccessStatusCode();
            }
            await DeleteAsync(_events, id, merged.Value, ct);
        });
        var existing = await ReadDocAsync(merged, cancellationToken);
        var records = existing?.Merges ?? [];
        if (existing?.Envelope.MergedInto == survivor.Value && records.Any(m => m.MessageId == merge.MessageId && m.Survivor == survivor))
        {
            return;
        }
        using var alias = Documents.Alias(merged, survivor, [.. records, merge]);
        using var write = await _profiles.UpsertItemStreamAsync(alias, Pk(merged.Value), cancellationToken: cancellationToken);
        write.EnsureSuccessStatusCode();
        _seen.Forget(merged);
    }
}
