using System.Globalization;
using Lodestar.Scoring;
using Lodestar.Tags;

namespace Lodestar.Jobs;

/// <summary>The one-line outcomes the run ledger keeps for the Domain's runs.</summary>
public static class Outcomes
{
    public static string Rfm(RfmStoreReport r) => F($"at {r.At:yyyy-MM-dd}: {r.Scored:N0} of {r.Profiles:N0} profiles scored, {r.Changed:N0} changed{Unsaved(r.Unsaved)}; {string.Join(", ", r.Segments.Where(s => s.Customers > 0).OrderByDescending(s => s.Customers).Take(3).Select(s => F($"{s.Name} {s.Customers:N0}")))}");

    public static string Tags(TagRefreshReport r) => F($"{r.Cadence.ToString().ToLowerInvariant()} tags: {r.Profiles:N0} profiles, {r.Changed:N0} changed");

    /// <summary>Members per segment with entries and exits, and the entered/left events for journeys.</summary>
    public static string Segments(SegmentRunReport r)
    {
        var entered = r.Events.Count(e => e.Change == SegmentChange.Entered);
        return F($"{string.Join(", ", r.Segments.Select(s => F($"{s.SegmentId} {s.Members:N0} (+{s.Entered:N0} −{s.Left:N0})")))}; {r.Events.Length:N0} events for journeys ({entered:N0} entered, {r.Events.Length - entered:N0} left); {r.Changed:N0} profiles changed{Unsaved(r.Unsaved)}");
    }

    /// <summary>Each tier's share against its target and its movement since the last assignment (last month's), then the moves.</summary>
    public static string Tiers(TierRunReport r)
    {
        var t = r.Report;
        var first = t.Moves.Where(m => m.From is null).Sum(m => m.Customers);
        var moved = t.Moves.Where(m => m.From is not null && m.From != m.To).Sum(m => m.Customers);
        var shares = t.Tiers.Select(s => F($"{s.Name} {s.Share:0.0%}{(s.TargetShare is { } target ? F($" (target {target:0%})") : "")} +{s.MovedIn:N0}/−{s.MovedOut:N0}"));
        return F($"{t.Customers:N0} customers: {string.Join(", ", shares)}; {moved:N0} moved tier since the last assignment, {first:N0} got their first{Unsaved(r.Unsaved)}");
    }

    private static string Unsaved(int unsaved) => unsaved > 0 ? F($", {unsaved:N0} left for the next run (conflicts)") : "";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
