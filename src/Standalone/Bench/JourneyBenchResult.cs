using System.Globalization;

namespace Lodestar.Standalone.Bench;

/// <summary>
/// Figures of one <c>bench journeys</c> run. Property names are a stable interface (scripts read the JSON): the first
/// five are the (<c>engineDecisionsPerSecond</c>, <c>persistedStepsPerSecond</c>, <c>triggerToSendP50Ms</c>,
/// <c>triggerToSendP99Ms</c>, <c>waitingInstances</c>); the others say how they were obtained.
/// </summary>
internal sealed record JourneyBenchResult
{
    /// <summary>Pure <c>JourneyEngine.Decide</c> calls per second on one thread, replaying the recorded inputs of the samples.</summary>
    public required double EngineDecisionsPerSecond { get; init; }

    /// <summary>Instance steps (an input and its follow-up decisions) persisted per second by the real driver and SQLite.</summary>
    public required double PersistedStepsPerSecond { get; init; }

    /// <summary>From the event accepted (its ingest commit returned) to its outbox line flushed, for a journey with no wait.</summary>
    public required double TriggerToSendP50Ms { get; init; }

    public required double TriggerToSendP99Ms { get; init; }

    /// <summary>Instances waiting in the store while the driver ran (the bulk-created ones plus the due ones).</summary>
    public required long WaitingInstances { get; init; }

    /// <summary>The same replay on every core (one replay per core).</summary>
    public required double EngineDecisionsPerSecondAllCores { get; init; }

    public required long EngineDecisionsRecorded { get; init; }

    public required int EngineJourneys { get; init; }

    public required int EngineCustomers { get; init; }

    public required int PersistedInstances { get; init; }

    public required long PersistedSteps { get; init; }

    public required long PersistedDecisions { get; init; }

    public required double PersistedSeconds { get; init; }

    public required double TriggerToSendMaxMs { get; init; }

    public required int TriggerEvents { get; init; }

    public required double TriggerEventsPerSecond { get; init; }

    /// <summary>Waiting instances written through the store's <c>SaveAsync</c> per second (batches of <see cref="JourneyBenchmark.CreateBatch"/>).</summary>
    public required double WaitingCreatedPerSecond { get; init; }

    /// <summary>Instances made due among the waiting ones; the driver must find and finish them.</summary>
    public required int DueInstances { get; init; }

    /// <summary>From the driver's start to the last due instance's step persisted.</summary>
    public required double DueWokenSeconds { get; init; }

    /// <summary>One <c>DueAsync</c> query (the driver's wake query) against the full table, median of several.</summary>
    public required double DueQueryMs { get; init; }

    /// <summary>The database file after the waiting-instance phase, and its write-ahead log (which the store checkpoints but does not shrink while it runs).</summary>
    public required double DatabaseMiB { get; init; }

    public required double WalMiB { get; init; }

    /// <summary>The process's working set after the waiting-instance phase, and its peak over the whole run.</summary>
    public required double WorkingSetMiB { get; init; }

    public required double PeakWorkingSetMiB { get; init; }

    public required string Machine { get; init; }

    public required string Date { get; init; }

    public string ToText() => string.Join(Environment.NewLine,
        F($"bench journeys on {Machine}, {Date}"),
        F($"  engine (pure Decide, {EngineJourneys} sample journeys over {EngineCustomers:N0} shop customers, {EngineDecisionsRecorded:N0} recorded decisions):"),
        F($"    one thread {EngineDecisionsPerSecond,12:N0} decisions/s   all cores {EngineDecisionsPerSecondAllCores,12:N0} decisions/s   (goal ≥ 1,000,000/s)"),
        F($"  persisted driver + SQLite ({PersistedInstances:N0} instances: start, 1 s delay, send):"),
        F($"    {PersistedStepsPerSecond,12:N0} steps/s   ({PersistedSteps:N0} steps, {PersistedDecisions:N0} decisions in {PersistedSeconds:N1} s; goal ≥ 5,000/s)"),
        F($"  trigger → outbox line, no wait ({TriggerEvents:N0} events at {TriggerEventsPerSecond:N0}/s):"),
        F($"    p50 {TriggerToSendP50Ms:N1} ms   p99 {TriggerToSendP99Ms:N1} ms   max {TriggerToSendMaxMs:N1} ms   (goal p99 ≤ 1,000 ms)"),
        F($"  waiting instances: {WaitingInstances:N0} held in SQLite (database {DatabaseMiB:N0} MiB, write-ahead log {WalMiB:N0} MiB; created at {WaitingCreatedPerSecond:N0}/s)"),
        F($"    {DueInstances:N0} due among them woken and finished in {DueWokenSeconds:N2} s; the wake query takes {DueQueryMs:N2} ms"),
        F($"    working set {WorkingSetMiB:N0} MiB, process peak {PeakWorkingSetMiB:N0} MiB   (goal: 1,000,000 waiting without running out of memory)"));

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
