using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Lodestar.Cleaning;
using Lodestar.Events;

namespace Lodestar.Jobs.History;

/// <summary>
/// A store's accepted events, as it keeps them (cleaned: identifiers protected with the store's key), for replaying
/// profiles as they stood at past instants. The model steps train on that replay; without a history they are skipped
/// with the reason, and never score from anything else.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="RecordedHistory"/> (events held in memory: the demo's own traffic, tests) and the
/// customer store's event table, which the SQLite adapter is to expose (it keeps every accepted event with its
/// timestamp; see the report of issue 5).
/// </remarks>
public interface IEventHistory
{
    /// <summary>The accepted events with a timestamp before <paramref name="before"/>, in any order.</summary>
    IAsyncEnumerable<CustomerEvent> ReadAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>Events held in memory: a recorded stream of traffic, cleaned as the store would have cleaned it.</summary>
public sealed class RecordedHistory(ImmutableArray<CustomerEvent> events) : IEventHistory
{
    public ImmutableArray<CustomerEvent> Events => events;

    /// <summary>
    /// Cleans raw events as received at <paramref name="receivedAt"/> with the store's <paramref name="cleaner"/> (so
    /// that identifiers hash to the store's keys) and keeps what the store would accept: records quarantined as a
    /// whole are dropped, quarantined order lines are already gone from the cleaned event. The cleaner is stateless, so
    /// the records are cleaned in parallel (in their order).
    /// </summary>
    public static RecordedHistory Clean(IEnumerable<RawEvent> raw, Cleaner cleaner, DateTimeOffset receivedAt) =>
        new([.. raw.AsParallel().AsOrdered().Select(e => cleaner.Clean(e, receivedAt)).Where(r => !r.Quarantined).Select(r => r.Event)]);

    public async IAsyncEnumerable<CustomerEvent> ReadAsync(DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (e.Timestamp < before)
            {
                yield return e;
            }
        }
        await Task.CompletedTask;
    }
}
