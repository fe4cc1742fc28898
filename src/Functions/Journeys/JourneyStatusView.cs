using Lodestar.Journeys;

namespace Lodestar.Functions.Journeys;

/// <summary>One line of an instance's step log, as support people read it (<see cref="Text"/> is the one-line form).</summary>
public sealed record StepLogView(DateTimeOffset At, string? Node, string Outcome, string Detail, string? Reason, string Text)
{
    public static StepLogView Of(StepLogEntry e) => new(e.At, e.Node, e.Outcome.ToString(), e.Detail, e.Reason, e.ToString());
}

/// <summary>
/// An orchestration's custom status: where the instance is and its latest step log lines. The orchestrator sets it after
/// every decision; <c>GET /api/customers/{id}/journeys</c> reads it back. Bounded to <see cref="MaxLogLines"/> lines so
/// that it stays well inside Durable's custom-status size limit.
/// </summary>
public sealed record JourneyStatusView(
    string Journey,
    int Version,
    string InstanceId,
    string Status,
    string? Node,
    string? BusinessKey,
    DateTimeOffset EnteredAt,
    DateTimeOffset? WakeAt,
    string? Reason,
    IReadOnlyList<StepLogView> Log)
{
    public const int MaxLogLines = 20;

    public static JourneyStatusView Of(JourneyState state, IReadOnlyList<StepLogView> log) => new(state.JourneyId, state.Version,
        state.InstanceId, state.Status.ToString(), state.Node, state.BusinessKey, state.EnteredAt, state.Wait?.Until, state.Reason, log);

    /// <summary>The latest <see cref="MaxLogLines"/> lines of <paramref name="earlier"/> followed by <paramref name="added"/>.</summary>
    public static IReadOnlyList<StepLogView> Append(IReadOnlyList<StepLogView> earlier, IEnumerable<StepLogEntry> added)
    {
        var all = earlier.Concat(added.Select(StepLogView.Of)).ToList();
        return all.Count <= MaxLogLines ? all : all[^MaxLogLines..];
    }
}
