using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Lodestar.Profiles;

namespace Lodestar.Scoring;

/// <summary>What an RFM run over the store did, and the segment summary it produced.</summary>
public sealed record RfmStoreReport(
    DateOnly At,
    int Profiles,
    int Scored,
    int Changed,
    int Unsaved,
    RfmModel? Model,
    ImmutableArray<RfmSegmentSummary> Segments)
{
    public long Transactions => Segments.Sum(s => s.Orders);
}

/// <summary>
/// The daily RFM run over every profile: fits the scheme to all customers with orders at the analysis date, then
/// writes each one's score (<c>rfm_score</c> = "R-F-M") and segment (<c>rfm_segment</c>) as value-family tags.
/// Customers without orders carry neither tag. Only changed profiles are written, so a second run for the same date
/// writes nothing.
/// </summary>
/// <remarks>
/// Two passes over the store: the first collects each customer's recency, frequency and monetary value (a few dozen
/// bytes each) and fits the bins; the second scores against those bins and saves. Recency counts calendar days in
/// the tenant's <paramref name="zone"/> from the last order to the analysis date; frequency is the order counter and
/// monetary the spend net of refunds. The counters are lifetime totals: orders after the analysis date are not
/// excluded, so a date in the past is only meaningful for a store loaded up to that date.
/// </remarks>
public sealed class ScoreRfm(IProfileStore store, RfmScheme scheme, TimeSpan zone = default)
{
    public async Task<RfmStoreReport> RunAsync(DateOnly at, IProgress<ScoringProgress>? progress, CancellationToken cancellationToken)
    {
        var setAt = AnalysisDay.End(at, zone);
        var customers = new List<RfmCustomer>();
        var read = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            if (++read % ProfileBatchWriter<int>.BatchSize == 0)
            {
                progress?.Report(new ScoringProgress("reading", read, null));
            }
            if (Customer(profile, at, zone) is { } customer)
            {
                customers.Add(customer);
            }
        }
        progress?.Report(new ScoringProgress("reading", read, read));
        var model = customers.Count > 0 ? RfmModel.Fit(scheme, CollectionsMarshal.AsSpan(customers)) : null;

        var writer = new ProfileBatchWriter<int>(store, p => (Apply(p, model, at, zone, setAt), 0), _ => { });
        var pass = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            if (++pass % ProfileBatchWriter<int>.BatchSize == 0)
            {
                progress?.Report(new ScoringProgress("scoring", pass, read));
            }
            var next = Apply(profile, model, at, zone, setAt);
            if (!ReferenceEquals(next, profile))
            {
                await writer.AddAsync(next, 0, cancellationToken);
            }
        }
        await writer.FlushAsync(cancellationToken);
        progress?.Report(new ScoringProgress("scoring", pass, pass));

        var segments = Rfm.Summarise(scheme, model is null ? [] : customers.Select(c => Result(model, c)));
        return new RfmStoreReport(at, read, customers.Count, writer.Saved, writer.Unsaved, model, segments);
    }

    private static RfmResult Result(RfmModel model, RfmCustomer customer)
    {
        var score = model.Score(customer);
        return new RfmResult(customer, score, model.SegmentOf(score));
    }

    /// <summary>A profile's RFM inputs at the analysis date, or null without orders.</summary>
    public static RfmCustomer? Customer(Profile profile, DateOnly at, TimeSpan zone)
    {
        var c = profile.Counters;
        if (c.Orders <= 0 || c.LastOrderAt is not { } last)
        {
            return null;
        }
        return new RfmCustomer(profile.Id.Value, at.DayNumber - AnalysisDay.DateOf(last, zone).DayNumber, c.Orders, (c.SpendMinor - c.RefundMinor) / 100.0);
    }

    /// <summary>The profile with its RFM tags as <paramref name="model"/> scores it; the same instance when they are already so.</summary>
    public static Profile Apply(Profile profile, RfmModel? model, DateOnly at, TimeSpan zone, DateTimeOffset setAt)
    {
        string? score = null, segment = null;
        if (model is not null && Customer(profile, at, zone) is { } customer)
        {
            var s = model.Score(customer);
            (score, segment) = (s.ToString(), model.SegmentOf(s));
        }
        var tags = ScoringTags.Set(profile.Tags, ScoringTags.RfmScore, score, ScoringTags.ValueFamily, setAt);
        tags = ScoringTags.Set(tags, ScoringTags.RfmSegment, segment, ScoringTags.ValueFamily, setAt);
        return tags == profile.Tags ? profile : profile with { Tags = tags };
    }
}
