using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Profiles;

namespace Lodestar.Ingestion;

/// <summary>What the ingest use case needs to know about a batch before deciding it.</summary>
public sealed record IngestKeys(IReadOnlyCollection<string> MessageIds, IReadOnlyCollection<string> Fingerprints, IReadOnlyCollection<string> GraphKeys);

/// <summary>The store's answer to <see cref="IngestKeys"/>: links point at surviving customers; profiles of all linked customers.</summary>
public sealed record IngestSnapshot(
    IReadOnlySet<string> KnownMessageIds,
    IReadOnlySet<string> KnownFingerprints,
    IReadOnlyDictionary<string, CustomerId> Links,
    IReadOnlyDictionary<CustomerId, Profile> Profiles);

/// <summary>An accepted event and the customer it was attributed to.</summary>
public sealed record StoredEvent(CustomerId Customer, CustomerEvent Event);

/// <summary>A record, or one line of it, kept aside with its reasons. <see cref="Record"/> is JSON without raw personal data.</summary>
public sealed record QuarantineEntry(string MessageId, int Line, string Source, IReadOnlyList<string> Reasons, string Detail, string Record, DateTimeOffset ReceivedAt);

/// <summary>Two customers found to be one: <see cref="Merged"/> joins <see cref="Survivor"/>.</summary>
public sealed record MergeRecord(CustomerId Survivor, CustomerId Merged, IReadOnlyList<string> Via, string Reason, DateTimeOffset At, string MessageId);

/// <summary>Everything one batch changes; the store applies it atomically.</summary>
public sealed record IngestChanges(
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<QuarantineEntry> Quarantine,
    IReadOnlyList<(string GraphKey, CustomerId Customer, Identifier Id)> NewLinks,
    IReadOnlyList<MergeRecord> Merges,
    IReadOnlyCollection<Profile> Profiles,
    IReadOnlyCollection<string> Fingerprints);

/// <summary>
/// The ingest side of the customer store. Commit applies a batch atomically: an event and its profile update are never
/// separated, and a redelivered batch finds its message ids known and changes nothing.
/// </summary>
public interface IIngestStore
{
    /// <summary>Loads what the batch needs. A later <see cref="CommitAsync"/> throws <see cref="ConcurrencyConflictException"/>
    /// when a profile it read was saved by someone else meanwhile; the caller reloads and decides again.</summary>
    Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken);

    Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken);
}

/// <summary>A profile changed between read and write (optimistic concurrency); retry with fresh state.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
