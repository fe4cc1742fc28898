using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Engagement;

namespace Lodestar.Campaigns;

/// <summary>A purchase that may be attributed to a send; <see cref="Customer"/> is the customer as the ledger knows them.</summary>
public sealed record PurchaseFact(CustomerId Customer, string OrderId, DateTimeOffset At, long AmountMinor, string Currency);

/// <summary>Everything a campaign's metrics are computed from.</summary>
public sealed record CampaignFacts(ImmutableArray<SentMessageRecord> Sends, ImmutableArray<EngagementFact> Engagements, ImmutableArray<PurchaseFact> Purchases);

/// <summary>
/// The campaign read side of the store: the campaign's sends, the engagement facts of those messages, and the
/// purchases of its customers from the first send to the last send plus <c>window</c> (customer ids of merged
/// customers are given as the ledger knows them, so that purchases line up with sends).
/// </summary>
public interface ICampaignFacts
{
    Task<CampaignFacts> LoadAsync(string campaign, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>The campaign metrics use case: load the facts, compute. Both hosts and the demo call it.</summary>
public sealed class CampaignReport(ICampaignFacts facts)
{
    public async Task<CampaignMetrics> ComputeAsync(string campaign, MetricsOptions options, CancellationToken cancellationToken) =>
        CampaignMetricsCalculator.Compute(campaign, await facts.LoadAsync(campaign, options.AttributionWindow, cancellationToken), options);
}
