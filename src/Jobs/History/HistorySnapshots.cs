using Lodestar.Jobs.Models;

namespace Lodestar.Jobs.History;

/// <summary>
/// The replayed profiles the model steps train and score on, for one as-of instant: one replay of the history at
/// every instant the propensity and churn steps need, shared by both. The daily and the monthly run of the 1st
/// measure at the same instant (midnight), so when one host runs both, the history is replayed once. Only the latest
/// instant's replay is kept.
/// </summary>
public sealed class HistorySnapshots(IEventHistory history, JobOptions options)
{
    private (DateTimeOffset AsOf, Task<ReplayedHistory> Replay)? _last;

    internal Task<ReplayedHistory> AtAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        if (_last is { } last && last.AsOf == asOf && !last.Replay.IsFaulted && !last.Replay.IsCanceled)
        {
            return last.Replay;
        }
        var instants = ScorePropensity.Instants(asOf, options.Propensity).Concat(ScoreChurn.Instants(asOf, options.Churn));
        var replay = HistoryReplay.RunAsync(history, instants, cancellationToken);
        _last = (asOf, replay);
        return replay;
    }
}
