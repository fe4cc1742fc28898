using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Cosmos;

/// <summary>
/// An event that can never be ingested (unreadable, or failing in a way a retry cannot fix), set aside so it does not
/// block its Event Hubs partition. The raw body is not kept (it may hold personal data that was never protected): its
/// SHA-256 and size identify it, and <see cref="Partition"/>/<see cref="SequenceNumber"/> find it in the hub while the
/// hub retains it. <see cref="Reason"/> and <see cref="Detail"/> must not quote the body.
/// </summary>
public sealed record PoisonEvent(
    string Source,
    string Reason,
    string Detail,
    string? MessageId,
    string? Partition,
    long? SequenceNumber,
    int BodyBytes,
    string BodySha256,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A poison event described by its body, which is hashed here and not kept.</summary>
    public static PoisonEvent Of(string source, string reason, string detail, ReadOnlySpan<byte> body, DateTimeOffset receivedAt,
        string? messageId = null, string? partition = null, long? sequenceNumber = null) =>
        new(source, reason, detail, messageId, partition, sequenceNumber, body.Length, Convert.ToHexStringLower(SHA256.HashData(body)), receivedAt);
}

/// <summary>Writes poison events to the deadLetters container, partitioned by source. Writing one twice keeps one.</summary>
public sealed class DeadLetters
{
    private readonly Container _container;
    private readonly ILogger _log;

    public DeadLetters(CosmosClient client, string database, ILogger<DeadLetters>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _container = client.GetDatabase(database).GetContainer(CosmosLayout.DeadLetters);
        _log = logger ?? NullLogger<DeadLetters>.Instance;
    }

    public async Task WriteAsync(PoisonEvent poison, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poison);
        // The same delivery dead-lettered twice (a retried batch) lands on the same document.
        var identity = poison.Partition is not null && poison.SequenceNumber is { } seq ? $"{poison.Partition}/{seq}" : poison.MessageId ?? poison.BodySha256;
        var id = "poison-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{poison.Source}|{identity}")));
        var doc = new JsonObject
        {
            ["id"] = id,
            ["source"] = poison.Source,
            ["type"] = "poison",
            ["reason"] = poison.Reason,
            ["detail"] = poison.Detail,
            ["messageId"] = poison.MessageId,
            ["partition"] = poison.Partition,
            ["sequenceNumber"] = poison.SequenceNumber,
            ["bodyBytes"] = poison.BodyBytes,
            ["bodySha256"] = poison.BodySha256,
            ["receivedAt"] = poison.ReceivedAt,
        };
        using var body = Documents.Stream(doc);
        using var r = await _container.UpsertItemStreamAsync(body, new PartitionKey(poison.Source), cancellationToken: cancellationToken);
        r.EnsureSuccessStatusCode();
        CosmosLog.DeadLettered(_log, poison.Source, poison.Reason);
    }
}
