using System.Collections.Immutable;
using Lodestar.Events;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using static Lodestar.Learning.Replay.ProfileFeatureSet;

namespace Lodestar.Learning.Churn;

/// <summary>
/// Churn features from profiles (docs/models.md): recency and its trend, frequency trend, complaints and service
/// contacts, tenure, spend changes. From one snapshot: recency (days since the last order and visit), tenure, lifetime
/// counts and shares, and the recency trend against the customer's own rhythm (days since the last order divided by
/// the mean gap between orders, from the first and last order dates). From two snapshots one window apart: orders,
/// sessions and spend within the window and their trend against the earlier per-window rate, and recent complaints.
/// </summary>
public static class ProfileChurnFeatures
{
    public static ProfileFeatureSet Set { get; } = new(
    [
        (new Feature("daysSinceLastOrder", ChurnReasons.Inactivity), DaysSinceLastOrder),
        (new Feature("daysSinceLastSeen", ChurnReasons.Inactivity), h => Days(h.At - h.Current.LastSeen)),
        (new Feature("recencyToOrderGap", ChurnReasons.Inactivity), h => Math.Min(50, DaysSinceLastOrder(h) / MeanOrderGap(h))),
        (new Feature("ordersLog", ChurnReasons.Engagement), h => Log(h.Now.Orders)),
        (new Feature("ordersInWindow", ChurnReasons.Engagement), h => Recent(h, c => c.Orders)),
        (new Feature("orderTrend", ChurnReasons.Engagement), h => Trend(h, c => c.Orders)),
        (new Feature("sessionsInWindow", ChurnReasons.Engagement), h => Log(Recent(h, c => c.Sessions))),
        (new Feature("sessionTrend", ChurnReasons.Engagement), h => Trend(h, c => c.Sessions)),
        (new Feature("complaints", ChurnReasons.Complaint), h => h.Now.Complaints),
        (new Feature("complaintsInWindow", ChurnReasons.Complaint), h => Recent(h, c => c.Complaints)),
        (new Feature("serviceContacts", ChurnReasons.Complaint), h => h.Now.ServiceContacts),
        (new Feature("tenureDays", ChurnReasons.Tenure), Tenure),
        (new Feature("spendLog", ChurnReasons.SpendDecline), h => Log((h.Now.SpendMinor - h.Now.RefundMinor) / 100.0)),
        (new Feature("spendInWindowLog", ChurnReasons.SpendDecline), h => Log(Recent(h, c => c.SpendMinor) / 100.0)),
        (new Feature("spendTrend", ChurnReasons.SpendDecline), h => SignedLog(Trend(h, c => c.SpendMinor) / 100.0)),
        (new Feature("discountShare", ChurnReasons.Price), h => Share(h.Now.DiscountedOrders, h.Now.Orders)),
        (new Feature("refundShare", ChurnReasons.Returns), h => Math.Min(1, Share(h.Now.RefundMinor, h.Now.SpendMinor))),
        (new Feature("cancellationRate", ChurnReasons.Returns), h => Math.Min(1, Share(h.Now.Cancellations, h.Now.Orders))),
        (new Feature("trendKnown", null), h => h.Before is null ? 0 : 1),
    ]);

    /// <summary>
    /// A labelled set: customers who had ordered by <paramref name="cutoff"/>, churned when they placed no order between
    /// it and <paramref name="horizon"/>; trends from <paramref name="before"/> (one window before the cut-off).
    /// </summary>
    public static Dataset Build(string name, ProfileSnapshot? before, ProfileSnapshot cutoff, ProfileSnapshot horizon)
    {
        var examples = ProfileHistory.Of(cutoff, before)
            .Where(h => h.Now.Orders > 0)
            .Select(h => new Example(h.Id.Value, Set.Vector(h), !(horizon.Find(h.Id)?.Counters.LastOrderAt >= cutoff.At)))
            .ToImmutableArray();
        return new Dataset(name, Set.Space, examples,
        [
            $"customers with an order before {cutoff.At:yyyy-MM-dd}; churned = no order from then until {horizon.At:yyyy-MM-dd} ({(horizon.At - cutoff.At).TotalDays:N0} days)",
            before is null ? "no earlier snapshot: trend features are 0" : $"trend window {(cutoff.At - before.At).TotalDays:N0} days (snapshot at {before.At:yyyy-MM-dd})",
        ]);
    }

    /// <summary>
    /// Replays <paramref name="events"/> to snapshots one <paramref name="window"/> before the cut-off, at it, and at
    /// the end of <paramref name="horizon"/>, and builds the labelled set from them.
    /// </summary>
    public static async Task<Dataset> BuildFromHistoryAsync(string name, IEnumerable<RawEvent> events, DateTimeOffset receivedAt,
        DateTimeOffset cutoff, TimeSpan window, TimeSpan horizon, CancellationToken cancellationToken)
    {
        var s = await new ProfileReplay().RunAsync(events, receivedAt, [cutoff - window, cutoff, cutoff + horizon], cancellationToken);
        return Build(name, s[0], s[1], s[2]);
    }

    /// <summary>Online Retail defaults: cut-off 2011-09-01, a 91-day trend window before it and a 91-day churn horizon after it.</summary>
    public static Task<Dataset> OnlineRetailAsync(string path, CancellationToken cancellationToken) =>
        BuildFromHistoryAsync($"Online Retail profiles ({Path.GetFileName(path)})", HistorySources.OnlineRetail(path), HistorySources.OnlineRetailReceivedAt,
            new DateTimeOffset(2011, 9, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(91), TimeSpan.FromDays(91), cancellationToken);

    private static double SignedLog(double x) => Math.Sign(x) * Math.Log(1 + Math.Abs(x));
}
