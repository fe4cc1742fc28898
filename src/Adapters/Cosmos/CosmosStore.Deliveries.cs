using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Engagement;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>
/// The delivery ledger in the deliveries container, one partition per message we sent (<c>/messageId</c>): the send
/// record (id <c>send</c>) and the engagement facts of that message. A provider's message id is found through a pointer
/// document in the identities container (keyed by its hash, like every other lookup the store makes without knowing the
/// customer), written before the send record, so a send that is findable by our id is findable by the provider's too.
/// </summary>
public sealed partial class CosmosStore : IDeliveryLedger
{
    internal const string SendDocumentId = "send";
    internal const string SendType = "send";
    internal const string FactType = "fact";

    /// <summary>Idempotent on the message id: a later record may only fill in a provider id the first one lacked (a send
    /// replayed after a crash whose provider answered this time), as a conditional patch over the record it read.</summary>
    public Task RecordSendsAsync(IReadOnlyCollection<SentMessageRecord> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sends);
        return ForEachAsync(sends, cancellationToken, async (s, ct) => await RecordSendAsync(s, ct));
    }

    private async Task RecordSendAsync(SentMessageRecord send, CancellationToken cancellationToken)
    {
        var pk = Pk(send.MessageId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var (existing, etag) = await ReadSendAsync(send.MessageId, cancellationToken);
            if (existing is not null && (existing.ProviderMessageId is not null || send.ProviderMessageId is null))
            {
                return;
            }
            if (send.ProviderMessageId is { } provider)
            {
                await UpsertProviderPointerAsync(provider, send.MessageId, cancellationToken);
            }
            using var r = existing is null
                ? await _deliveries.CreateItemStreamAsync(SendDocument(send), pk, cancellationToken: cancellationToken)
                : await _deliveries.PatchItemStreamAsync(SendDocumentId, pk, [PatchOperation.Set("/providerMessageId", send.ProviderMessageId)],
                    new PatchItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            if (r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
            {
                CosmosLog.SendRecordMoved(_log, send.MessageId, (int)r.StatusCode);
                continue;
            }
            r.EnsureSuccessStatusCode();
            return;
        }
        throw new InvalidOperationException($"The send record {send.MessageId} kept changing under {MaxWriteAttempts} writes.");
    }

    public async Task<SentMessageRecord?> FindSendAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        // The provider's id first (delivery reports name it); our own id for senders that gave none. Both reads at once.
        var pointer = ReadProviderPointerAsync(messageId, cancellationToken);
        var direct = ReadSendAsync(messageId, cancellationToken);
        if (await pointer is { } target && (target == messageId ? await direct : await ReadSendAsync(target, cancellationToken)) is { Record: { } found })
        {
            return found;
        }
        return (await direct).Record;
    }

    private async Task<(SentMessageRecord? Record, string? ETag)> ReadSendAsync(string messageId, CancellationToken cancellationToken)
    {
        using var r = await _deliveries.ReadItemStreamAsync(SendDocumentId, Pk(messageId), cancellationToken: cancellationToken);
        if (r.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }
        r.EnsureSuccessStatusCode();
        return (await JsonSerializer.DeserializeAsync<SentMessageRecord>(r.Content, DomainJson.Options, cancellationToken), r.Headers.ETag);
    }

    private async Task<string?> ReadProviderPointerAsync(string providerMessageId, CancellationToken cancellationToken)
    {
        var hash = Keys.ProviderMessage(providerMessageId);
        using var r = await _identities.ReadItemStreamAsync(hash, Pk(hash), cancellationToken: cancellationToken);
        if (r.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("messageId").GetString();
    }

    private async Task UpsertProviderPointerAsync(string providerMessageId, string messageId, CancellationToken cancellationToken)
    {
        var hash = Keys.ProviderMessage(providerMessageId);
        // No customerId: erasure (which finds a customer's identities documents by it) leaves the pointer, as the SQLite
        // store keeps its deliveries rows; the pointer holds only our message id.
        using var body = Documents.Stream(new JsonObject { ["id"] = hash, ["idHash"] = hash, ["type"] = Keys.ProviderMessageType, ["messageId"] = messageId });
        using var r = await _identities.UpsertItemStreamAsync(body, Pk(hash), cancellationToken: cancellationToken);
        r.EnsureSuccessStatusCode();
    }

    private static MemoryStream SendDocument(SentMessageRecord send)
    {
        var node = JsonSerializer.SerializeToNode(send, DomainJson.Options)!.AsObject();
        node["id"] = SendDocumentId;
        node["type"] = SendType;
        return Documents.Stream(node);
    }
}
