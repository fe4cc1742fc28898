using System.Collections.Immutable;
using Lodestar.Learning.Churn;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using static Lodestar.Learning.Replay.ProfileFeatureSet;

namespace Lodestar.Learning.Conversion;

/// <summary>
/// Purchase-propensity features from the profile at a cut-off and the recent window before it (docs/models.md):
/// recency of visit, cart and order, an open cart, lifetime and recent activity (sessions, page views, cart adds,
/// searches, orders, spend), rates per week and month, tenure. Behaviour counters are zero for sources that send only
/// orders (Online Retail); the model then learns from the order history alone.
/// </summary>
public static class ConversionFeatures
{
    public static ProfileFeatureSet Set { get; } = new(
    [
        (new Feature("daysSinceLastSeen", ChurnReasons.Inactivity), h => Days(h.At - h.Current.LastSeen)),
        (new Feature("daysSinceLastOrder", ChurnReasons.Inactivity), DaysSinceLastOrder),
        (new Feature("daysSinceLastCart", ChurnReasons.Engagement), h => Days(h.At - (h.Now.LastCartAt ?? h.Current.FirstSeen))),
        (new Feature("cartOpen", ChurnReasons.Engagement), h => h.Now.LastCartAt is { } cart && !(h.Now.LastOrderAt >= cart) ? 1 : 0),
        (new Feature("recencyToOrderGap", ChurnReasons.Inactivity), h => h.Now.Orders == 0 ? 0 : Math.Min(50, DaysSinceLastOrder(h) / MeanOrderGap(h))),
        (new Feature("ordersLog", ChurnReasons.Engagement), h => Log(h.Now.Orders)),
        (new Feature("ordersPerMonth", ChurnReasons.Engagement), h => h.Now.Orders / Math.Max(1, Tenure(h) / 30)),
        (new Feature("sessionsLog", ChurnReasons.Engagement), h => Log(h.Now.Sessions)),
        (new Feature("sessionsPerWeek", ChurnReasons.Engagement), h => h.Now.Sessions / Math.Max(1, Tenure(h) / 7)),
        (new Feature("pageViewsLog", ChurnReasons.Engagement), h => Log(h.Now.PageViews)),
        (new Feature("cartAddsLog", ChurnReasons.Engagement), h => Log(h.Now.CartAdds)),
        (new Feature("searchesLog", ChurnReasons.Engagement), h => Log(h.Now.Searches)),
        (new Feature("sessionsRecent", ChurnReasons.Engagement), h => Log(Recent(h, c => c.Sessions))),
        (new Feature("pageViewsRecent", ChurnReasons.Engagement), h => Log(Recent(h, c => c.PageViews))),
        (new Feature("cartAddsRecent", ChurnReasons.Engagement), h => Log(Recent(h, c => c.CartAdds))),
        (new Feature("ordersRecent", ChurnReasons.Engagement), h => Log(Recent(h, c => c.Orders))),
        (new Feature("spendLog", ChurnReasons.SpendDecline), h => Log((h.Now.SpendMinor - h.Now.RefundMinor) / 100.0)),
        (new Feature("aovLog", ChurnReasons.Price), h => h.Now.Orders == 0 ? 0 : Log(h.Now.SpendMinor / 100.0 / h.Now.Orders)),
        (new Feature("discountShare", ChurnReasons.Price), h => Share(h.Now.DiscountedOrders, h.Now.Orders)),
        (new Feature("serviceContacts", ChurnReasons.Complaint), h => h.Now.ServiceContacts),
        (new Feature("tenureDays", ChurnReasons.Tenure), Tenure),
        (new Feature("trendKnown", null), h => h.Before is null ? 0 : 1),
    ]);

    /// <summary>
    /// A labelled set: every customer known at <paramref name="cutoff"/>, positive when they ordered between the
    /// cut-off and <paramref name="horizon"/> (the next 7 days by default); recent activity from <paramref name="recent"/>.
    /// </summary>
    public static Dataset Build(string name, ProfileSnapshot? recent, ProfileSnapshot cutoff, ProfileSnapshot horizon)
    {
        var examples = ProfileHistory.Of(cutoff, recent)
            .Select(h => new Example(h.Id.Value, Set.Vector(h), horizon.Find(h.Id)?.Counters.LastOrderAt >= cutoff.At))
            .ToImmutableArray();
        return new Dataset(name, Set.Space, examples,
        [
            $"customers known before {cutoff.At:yyyy-MM-dd HH:mm}; positive = an order from then until {horizon.At:yyyy-MM-dd HH:mm} ({(horizon.At - cutoff.At).TotalDays:N0} days)",
            recent is null ? "no earlier snapshot: recent-window features are 0" : $"recent window {(cutoff.At - recent.At).TotalDays:N0} days",
        ]);
    }
}
