using Lodestar.Cleaning;

namespace Lodestar.Ingestion;

/// <summary>
/// Where the API hands accepted events. It returns only once the events are durable: the standalone queue after its
/// SQLite commit, the Event Hubs sink after the hub acknowledged the send.
/// </summary>
public interface IEventSink
{
    Task<IReadOnlyList<ItemResult>> AcceptAsync(IReadOnlyList<CleanResult> events, CancellationToken cancellationToken);
}
