using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Journeys.Driving;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Cosmos;

/// <summary>
/// The per-customer send ledger (docs/adr/0004) as one document in the journeyInstances container, in the customer's
/// partition: <c>{ id: "sendLedger", customerId, version, state: { entries } }</c>. The entries sit under <c>state</c>,
/// which the layout leaves unindexed (nothing queries them). The document's ETag is the optimistic-concurrency token:
/// an append reads the document and replaces it only if it has not changed since (a create for the first send), so two
/// journeys deciding for one customer at the same moment cannot both pass a frequency cap.
/// </summary>
public sealed class CosmosSendLedger : ISendLedger
{
    /// <summary>The ledger's document id; unique within its customer partition.</summary>
    internal const string DocumentId = "sendLedger";

    /// <summary>A 412 or 409 means someone else appended, and the re-read answers false; a cap keeps a pathological
    /// loop (a document rewritten without a version change) from spinning.</summary>
    private const int MaxAttempts = 5;

    private readonly Container _container;
    private readonly ILogger _log;

    public CosmosSendLedger(CosmosClient client, string database, ILogger<CosmosSendLedger>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _container = client.GetDatabase(database).GetContainer(CosmosLayout.JourneyInstances);
        _log = logger ?? NullLogger<CosmosSendLedger>.Instance;
    }

    public async Task<SendLedgerView> ReadAsync(CustomerId customer, CancellationToken cancellationToken) =>
        (await ReadDocumentAsync(customer, cancellationToken)).View;

    public async Task<bool> TryAppendAsync(CustomerId customer, long expectedVersion, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (view, etag) = await ReadDocumentAsync(customer, cancellationToken);
            var known = view.Entries.Select(e => e.MessageId).ToHashSet(StringComparer.Ordinal);
            if (entries.All(e => known.Contains(e.MessageId)))
            {
                return true;
            }
            if (view.Version != expectedVersion)
            {
                return false;
            }
            using var body = Document(customer, new SendLedgerView(view.Entries.AddRange(entries), view.Version + 1));
            using var r = etag is null
                ? await _container.CreateItemStreamAsync(body, new PartitionKey(customer.Value), cancellationToken: cancellationToken)
                : await _container.ReplaceItemStreamAsync(body, DocumentId, new PartitionKey(customer.Value),
                    new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            if (r.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Another instance appended (or created, or erasure removed the ledger) since the read: read again and
                // let the version decide.
                CosmosLog.SendLedgerMoved(_log, customer.Value, (int)r.StatusCode);
                continue;
            }
            r.EnsureSuccessStatusCode();
            return true;
        }
        return false;
    }

    private async Task<(SendLedgerView View, string? ETag)> ReadDocumentAsync(CustomerId customer, CancellationToken cancellationToken)
    {
        using var r = await _container.ReadItemStreamAsync(DocumentId, new PartitionKey(customer.Value), cancellationToken: cancellationToken);
        if (r.StatusCode == HttpStatusCode.NotFound)
        {
            return (SendLedgerView.Empty, null);
        }
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: cancellationToken);
        var root = json.RootElement;
        var entries = root.GetProperty("state").GetProperty("entries").Deserialize<ImmutableArray<LedgerEntry>>(DomainJson.Options);
        return (new SendLedgerView(entries, root.GetProperty("version").GetInt64()), r.Headers.ETag);
    }

    private static MemoryStream Document(CustomerId customer, SendLedgerView view) => Documents.Stream(new JsonObject
    {
        ["id"] = DocumentId,
        ["customerId"] = customer.Value,
        ["type"] = DocumentId,
        ["version"] = view.Version,
        ["state"] = new JsonObject { ["entries"] = JsonSerializer.SerializeToNode(view.Entries, DomainJson.Options) },
    });
}
