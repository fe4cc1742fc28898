using System.Collections.Concurrent;
using System.Net;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

public sealed partial class CosmosStore
{
    public async Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var links = await ReadKeysAsync(keys.GraphKeys.Select(Keys.Identity), cancellationToken);
        // Resolving a customer finishes any cut-short commit of it first, so the markers read below include that commit's.
        var customers = links.Values.Select(l => l.CustomerId!).Distinct(StringComparer.Ordinal).ToList();
        var resolved = await ResolveAllAsync(customers, cancellationToken);
        if (resolved.Values.Any(r => r.Finished))
        {
            // A finished commit may have been a merge that turned another of these customers into an alias after it
            // was read: read them all again, so the snapshot never holds a merged-away customer as live.
            resolved = await ResolveAllAsync(customers, cancellationToken);
        }
        var linked = new Dictionary<string, CustomerId>(StringComparer.Ordinal);
        var profiles = new Dictionary<CustomerId, Profile>();
        foreach (var graphKey in keys.GraphKeys)
        {
            if (links.TryGetValue(Keys.Identity(graphKey), out var link))
            {
                var (survivor, doc, _) = resolved[link.CustomerId!];
                linked[graphKey] = survivor;
                if (doc?.Profile is { } profile)
                {
                    profiles[survivor] = profile;
                }
            }
        }
        var markers = await ReadKeysAsync(keys.MessageIds.Select(Keys.Message).Concat(keys.Fingerprints.Select(Keys.Fingerprint)), cancellationToken);
        return new IngestSnapshot(
            keys.MessageIds.Where(m => markers.ContainsKey(Keys.Message(m))).ToHashSet(StringComparer.Ordinal),
            keys.Fingerprints.Where(f => markers.ContainsKey(Keys.Fingerprint(f))).ToHashSet(StringComparer.Ordinal),
            linked,
            profiles);
    }

    private async Task<ConcurrentDictionary<string, (CustomerId Id, StoredDoc? Doc, bool Finished)>> ResolveAllAsync(IEnumerable<string> customers, CancellationToken cancellationToken)
    {
        var resolved = new ConcurrentDictionary<string, (CustomerId Id, StoredDoc? Doc, bool Finished)>(StringComparer.Ordinal);
        await ForEachAsync(customers, cancellationToken, async (c, ct) => resolved[c] = await ResolveAsync(CustomerId.Parse(c), ct));
        return resolved;
    }

    public async Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var plan = CommitPlan.Of(changes);
        var conflicts = 0;
        var committed = new ConcurrentBag<(CustomerId Id, StoredDoc Doc)>();
        await ForEachAsync(plan.Profiles, cancellationToken, async (item, ct) =>
        {
            var doc = await WriteProfileAsync(item.Profile, item.Pending, item.Merges, ct);
            if (doc is null)
            {
                Interlocked.Increment(ref conflicts);
            }
            else if (item.Pending is not null)
            {
                committed.Add((item.Profile.Id, doc));
            }
        });
        if (conflicts == 0)
        {
            // Not folded into any profile, so no commit point to hang on: idempotent writes a redelivery would repeat.
            await ForEachAsync(changes.Quarantine, cancellationToken, async (q, ct) => await WriteQuarantineAsync(q, ct));
            foreach (var (customer, pending) in plan.Loose)
            {
                await ApplyAsync(customer, pending, cancellationToken);
            }
        }
        if (StopAfterCommitPoint)
        {
            return;
        }
        await ForEachAsync(committed, cancellationToken, async (c, ct) => await RollForwardAsync(c.Id, c.Doc, repair: false, ct));
        if (conflicts > 0)
        {
            CosmosLog.CommitConflict(_log, conflicts, plan.Profiles.Count);
            throw new ConcurrencyConflictException($"{conflicts} of {plan.Profiles.Count} profiles changed since they were read");
        }
    }

    /// <summary>
    /// Writes a profile over the version it was read at: a create for a new one (version 0), else a replace conditional on
    /// the ETag of that version. A 412 is re-read: the same version under a new ETag (a finished pending commit) is
    /// retried; a newer version is a conflict (null). Returns the document as written.
    /// </summary>
    private async Task<StoredDoc?> WriteProfileAsync(Profile profile, PendingCommit? pending, IReadOnlyList<MergeRecord> newMerges, CancellationToken cancellationToken)
    {
        var id = profile.Id;
        var envelope = new ProfileEnvelope { Id = id.Value, Version = profile.Version + 1, Pending = pending };
        if (profile.Version == 0)
        {
            using var body = Documents.Profile(profile, 1, newMerges, pending);
            using var r = await _profiles.CreateItemStreamAsync(body, Pk(id.Value), cancellationToken: cancellationToken);
            if (r.StatusCode == HttpStatusCode.Conflict)
            {
                // Someone created it meanwhile, or an earlier delivery of this batch stopped after its commit point:
                // finish that commit so the caller's reload sees it, and let the caller decide again.
                await ResolveAsync(id, cancellationToken);
                return null;
            }
            r.EnsureSuccessStatusCode();
            return Written(id, envelope with { Merges = newMerges }, profile, r.Headers.ETag);
        }
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = _seen.Get(id, profile.Version);
            if (current is null)
            {
                var doc = await ReadDocAsync(id, cancellationToken);
                if (doc?.Profile is null || doc.Envelope.Version != profile.Version)
                {
                    return null;
                }
                if (doc.Envelope.Pending is not null)
                {
                    await RollForwardAsync(id, doc, repair: true, cancellationToken);
                    continue;
                }
                current = new VersionCache.Entry(doc.Envelope.Version, doc.ETag, doc.Merges);
            }
            var merges = current.Merges.Concat(newMerges).ToList();
            using var body = Documents.Profile(profile, profile.Version + 1, merges, pending);
            using var r = await _profiles.ReplaceItemStreamAsync(body, id.Value, Pk(id.Value),
                new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
            if (r.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                Interlocked.Increment(ref _preconditionFailures);
                CosmosLog.PreconditionFailed(_log, id.Value);
                _seen.Forget(id);
                continue;
            }
            if (r.StatusCode == HttpStatusCode.NotFound)
            {
                _seen.Forget(id);
                return null;
            }
            r.EnsureSuccessStatusCode();
            return Written(id, envelope with { Merges = merges }, profile, r.Headers.ETag);
        }
        return null;
    }

    private StoredDoc Written(CustomerId id, ProfileEnvelope envelope, Profile profile, string etag)
    {
        if (envelope.Pending is null)
        {
            _seen.Put(id, new VersionCache.Entry(envelope.Version, etag, envelope.Merges ?? []));
        }
        else
        {
            _seen.Forget(id);
        }
        return new StoredDoc(envelope, profile with { Version = envelope.Version }, etag);
    }

    private async Task WriteQuarantineAsync(QuarantineEntry q, CancellationToken cancellationToken)
    {
        using (var body = Documents.Quarantine(q))
        using (var r = await _deadLetters.UpsertItemStreamAsync(body, Pk(q.Source), cancellationToken: cancellationToken))
        {
            r.EnsureSuccessStatusCode();
        }
        await UpsertKeyAsync(Documents.Marker(Keys.MessageType, Keys.Message(q.MessageId), null), cancellationToken);
    }
}
