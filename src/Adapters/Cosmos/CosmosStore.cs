using System.Net;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Cosmos;

/// <summary>
/// The customer store on Cosmos DB (docs/adr/0005-cosmos-layout.md). Profiles and events share the customer partition;
/// identity links, message ids and fingerprints are point reads in the identities container. A commit never needs a
/// cross-document transaction: each customer's profile document is written first, conditionally on its ETag, carrying
/// what the commit does elsewhere (<see cref="PendingCommit"/>); everything else is an idempotent upsert applied after it,
/// and whoever next reads a profile with a pending commit finishes it. So a crash anywhere leaves either nothing (the
/// batch is redelivered and decided again) or a commit point that is completed exactly once.
/// </summary>
public sealed partial class CosmosStore : IIngestStore, IProfileStore
{
    private const int Parallelism = 16;
    private const int MaxAliasHops = 16;
    private const int MaxWriteAttempts = 10;

    private readonly Container _profiles;
    private readonly Container _events;
    private readonly Container _identities;
    private readonly Container _deadLetters;
    private readonly Container _deliveries;
    private readonly ILogger _log;
    private readonly VersionCache _seen = new();
    private long _preconditionFailures;

    public CosmosStore(CosmosClient client, string database, ILogger<CosmosStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var db = client.GetDatabase(database);
        _profiles = db.GetContainer(CosmosLayout.Profiles);
        _events = db.GetContainer(CosmosLayout.Events);
        _identities = db.GetContainer(CosmosLayout.Identities);
        _deadLetters = db.GetContainer(CosmosLayout.DeadLetters);
        _deliveries = db.GetContainer(CosmosLayout.Deliveries);
        _log = logger ?? NullLogger<CosmosStore>.Instance;
    }

    /// <summary>Conditional profile writes refused with 412 since start (each one re-read and decided again).</summary>
    internal long PreconditionFailures => Interlocked.Read(ref _preconditionFailures);

    /// <summary>Test seam: stop every commit right after its profile writes, as a process killed at that point would.</summary>
    internal bool StopAfterCommitPoint { get; set; }

    private static PartitionKey Pk(string value) => new(value);

    private static bool Ok(ResponseMessage r) => r.IsSuccessStatusCode;

    /// <summary>Reads a profile document as stored (no alias following); null when there is none.</summary>
    private async Task<StoredDoc?> ReadDocAsync(CustomerId id, CancellationToken cancellationToken)
    {
        using var r = await _profiles.ReadItemStreamAsync(id.Value, Pk(id.Value), cancellationToken: cancellationToken);
        if (r.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: cancellationToken);
        var envelope = json.RootElement.Deserialize<ProfileEnvelope>(DomainJson.Options)!;
        var profile = envelope.MergedInto is null ? json.RootElement.Deserialize<Profile>(DomainJson.Options) : null;
        var doc = new StoredDoc(envelope, profile, r.Headers.ETag);
        if (profile is not null && envelope.Pending is null)
        {
            _seen.Put(id, new VersionCache.Entry(envelope.Version, doc.ETag, doc.Merges));
        }
        return doc;
    }

    /// <summary>
    /// The live document for <paramref name="id"/>: a merged-away id is followed to its survivor, and a commit that was cut
    /// short after its commit point is finished first. Null document when the customer does not exist.
    /// </summary>
    private async Task<(CustomerId Id, StoredDoc? Doc, bool Finished)> ResolveAsync(CustomerId id, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxAliasHops; hop++)
        {
            var doc = await ReadDocAsync(id, cancellationToken);
            if (doc?.Envelope.MergedInto is { } next)
            {
                id = CustomerId.Parse(next);
                continue;
            }
            if (doc?.Envelope.Pending is not null)
            {
                return (id, await RollForwardAsync(id, doc, repair: true, cancellationToken), true);
            }
            return (id, doc, false);
        }
        throw new InvalidOperationException($"The merge chain from {id} is longer than {MaxAliasHops} hops.");
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, body);

    /// <summary>Point-reads the identities documents with these hashes (one ReadMany per chunk); absent ones are left out.</summary>
    private async Task<Dictionary<string, KeyDocument>> ReadKeysAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, KeyDocument>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            using var r = await _identities.ReadManyItemsStreamAsync([.. chunk.Select(h => (h, Pk(h)))], cancellationToken: cancellationToken);
            r.EnsureSuccessStatusCode();
            foreach (var d in await Documents.ReadFeedAsync(r.Content, cancellationToken))
            {
                var doc = d.Deserialize<KeyDocument>(DomainJson.Options)!;
                found[doc.Id] = doc;
            }
        }
        return found;
    }

    private async Task UpsertKeyAsync(KeyDocument doc, CancellationToken cancellationToken)
    {
        using var body = Documents.Stream(doc);
        using var r = await _identities.UpsertItemStreamAsync(body, Pk(doc.IdHash), cancellationToken: cancellationToken);
        r.EnsureSuccessStatusCode();
    }

    /// <summary>Runs a query and yields its documents page by page (the query names its partition in WHERE: the stand-in
    /// ignores the partition-key option on queries).</summary>
    private static async IAsyncEnumerable<JsonElement> QueryAsync(Container container, QueryDefinition query, QueryRequestOptions? options,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var feed = container.GetItemQueryStreamIterator(query, requestOptions: options);
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            foreach (var d in await Documents.ReadFeedAsync(page.Content, cancellationToken))
            {
                yield return d;
            }
        }
    }

    private static async Task DeleteAsync(Container container, string id, string partition, CancellationToken cancellationToken)
    {
        using var r = await container.DeleteItemStreamAsync(id, Pk(partition), cancellationToken: cancellationToken);
        if (r.StatusCode != HttpStatusCode.NotFound)
        {
            r.EnsureSuccessStatusCode();
        }
    }
}
