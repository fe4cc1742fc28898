namespace Lodestar.Runs;

/// <summary>Which steps of which run period are done, so that a run is idempotent per period and resumes after a crash.</summary>
public interface IRunLedger
{
    Task<IReadOnlySet<string>> CompletedStepsAsync(RunKind kind, string period, CancellationToken cancellationToken);

    Task MarkDoneAsync(RunKind kind, string period, string step, string outcome, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>One step of a run: a name (stable: the ledger keys on it) and the work, which returns a one-line outcome.</summary>
public sealed record RunStep(string Name, Func<CancellationToken, Task<string>> Execute);

/// <summary>What a run did: each step's outcome, or that it had been done before.</summary>
public sealed record RunReport(RunKind Kind, string Period, IReadOnlyList<(string Step, string Outcome, bool Skipped)> Steps);

/// <summary>
/// Runs the steps of one period in order, skipping the ones the ledger has as done. A crash between steps resumes at
/// the first step not done; a second run of a finished period changes nothing.
/// </summary>
public sealed class PeriodicRun(IRunLedger ledger, TimeProvider time)
{
    public async Task<RunReport> RunAsync(RunKind kind, string period, IReadOnlyList<RunStep> steps, CancellationToken cancellationToken)
    {
        var done = await ledger.CompletedStepsAsync(kind, period, cancellationToken);
        var results = new List<(string, string, bool)>();
        foreach (var step in steps)
        {
            if (done.Contains(step.Name))
            {
                results.Add((step.Name, "done before", true));
                continue;
            }
            var outcome = await step.Execute(cancellationToken);
            await ledger.MarkDoneAsync(kind, period, step.Name, outcome, time.GetUtcNow(), cancellationToken);
            results.Add((step.Name, outcome, false));
        }
        return new RunReport(kind, period, results);
    }
}
