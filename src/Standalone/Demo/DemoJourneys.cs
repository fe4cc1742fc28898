using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lodestar.Campaigns;
using Lodestar.Journeys;
using Lodestar.Simulation;
using Lodestar.Standalone.Hosting;
using Lodestar.Standalone.Journeys;

namespace Lodestar.Standalone.Demo;

/// <summary>
/// The sample journeys in the demo: <c>live</c> is what the persisted driver did during the demo on the real clock (the
/// traffic's events started event-entry journeys, the runs' tiers and segments started segment-entry ones; most
/// instances still wait, for an hour or days); <c>simulated</c> is the same definition over the same synthetic
/// customers' last <see cref="DemoJourneys.SimulatedDays"/> days with the simulator's fake clock, where the waits elapse.
/// </summary>
internal sealed record DemoJourney(
    string Id,
    string Name,
    string Entry,
    IReadOnlyDictionary<string, long> LiveInstances,
    IReadOnlyDictionary<string, long> LiveSends,
    IReadOnlyDictionary<string, long> LiveSuppressions,
    int SimulatedEntered,
    IReadOnlyDictionary<string, int> SimulatedSends,
    IReadOnlyDictionary<string, int> SimulatedSuppressions,
    int SimulatedGoals);

/// <summary>The journeys' part of the demo summary; <see cref="Skipped"/> says why it is empty (no journeys/ folder found).</summary>
internal sealed record DemoJourneySummary(int Published, int SimulatedDays, double Seconds, IReadOnlyList<DemoJourney> Journeys, string? Skipped)
{
    /// <summary>Campaign metrics of the live sends, one total row per campaign (<c>report campaign ID</c> breaks each down).</summary>
    public IReadOnlyList<MetricsRow> Campaigns { get; init; } = [];

    /// <summary>The demo's assumed cost per message (CNY), so that ROI has a denominator.</summary>
    public static readonly MetricsOptions Metrics = MetricsOptions.Default with
    {
        CostPerMessage = ImmutableDictionary<Channel, decimal>.Empty.Add(Channel.Sms, 0.045m).Add(Channel.Email, 0.002m),
    };

    /// <summary>The text summary's journeys section.</summary>
    public IEnumerable<string> Lines()
    {
        if (Skipped is not null)
        {
            return [$"Sample journeys: skipped ({Skipped})."];
        }
        var lines = new List<string>
        {
            F($"Sample journeys ({Published} published over HTTP; live = the persisted driver on the real clock during the demo, sim = the simulator over the same customers' last {SimulatedDays} days; {Seconds:N1} s):"),
        };
        foreach (var j in Journeys)
        {
            lines.Add(F($"  {j.Id} ({j.Entry})"));
            lines.Add(F($"    live: {Counts(j.LiveInstances, "no instance")}; sent {Counts(j.LiveSends, "nothing")}{(j.LiveSuppressions.Count == 0 ? "" : "; suppressed " + Counts(j.LiveSuppressions, ""))}"));
            lines.Add(F($"    sim:  entered {j.SimulatedEntered:N0}, goals {j.SimulatedGoals:N0}; sent {Counts(j.SimulatedSends, "nothing")}{(j.SimulatedSuppressions.Count == 0 ? "" : "; suppressed " + Counts(j.SimulatedSuppressions, ""))}"));
        }
        lines.Add(F($"Campaign metrics of the live sends ({Metrics.AttributionWindow.TotalDays:N0}-day attribution; cost per SMS 0.045, per email 0.002 {Metrics.Currency}; details: report campaign ID):"));
        lines.AddRange(Campaigns.Count == 0
            ? ["  no live send yet"]
            : Campaigns.Select(c => F($"  {c.Value,-24} sent {c.Sent:N0}, delivered {c.Delivered:N0}, opened {c.Opened:N0}, clicked {c.Clicked:N0}, converted {c.Converted:N0}, revenue {c.Revenue:N2}, cost {c.Cost:N2}, ROI {(c.ReturnOnInvestment is { } roi ? roi.ToString("P0", CultureInfo.InvariantCulture) : "-")}")));
        return lines;
    }

    private static string Counts<T>(IReadOnlyDictionary<string, T> counts, string none) where T : IFormattable =>
        counts.Count == 0 ? none : string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value.ToString("N0", CultureInfo.InvariantCulture)}"));

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Publishes the samples before the traffic, and after the runs collects what the driver did and simulates the rest.</summary>
internal sealed class DemoJourneys(StandaloneApp app)
{
    public const int SimulatedDays = 14;

    private IReadOnlyList<SampleJourney> _samples = [];
    private string? _skipped;
    private readonly Stopwatch _watch = new();

    /// <summary>POST /api/journeys for every sample (the real publish path: validation, problem+json, versions).</summary>
    public async Task PublishAsync(HttpClient client, CancellationToken ct)
    {
        _watch.Start();
        if (SampleJourneys.FindFolder() is not { } folder)
        {
            _skipped = "the journeys/ folder was not found above the working directory";
            return;
        }
        _samples = SampleJourneys.Load(folder);
        foreach (var sample in _samples)
        {
            using var content = new StringContent(sample.Json, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/api/journeys", content, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"publishing {sample.File} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }
        _watch.Stop();
    }

    /// <summary>
    /// After the runs: segment-entry journeys look at the new tiers and segments, the driver settles, and its counts are
    /// read; then each sample runs in the simulator over the shop's customers.
    /// </summary>
    public async Task<DemoJourneySummary> SummariseAsync(SyntheticShop shop, CancellationToken ct)
    {
        if (_skipped is not null)
        {
            return new DemoJourneySummary(0, SimulatedDays, 0, [], _skipped);
        }
        _watch.Start();
        app.JourneyDriver.ScanSegments();
        await SettleAsync(ct);
        var counts = await app.Store.JourneyCountsAsync(ct);
        var population = await ShopPopulation.FromShopAsync(shop, SimulatedDays, ct);
        var journeys = new List<DemoJourney>();
        foreach (var sample in _samples)
        {
            var d = sample.Definition;
            var report = JourneySimulator.Run(d, population.Customers, new SimulationOptions { Start = population.Start, End = population.End, Fold = population.Fold });
            journeys.Add(new DemoJourney(d.Id, d.Name, Describe(d.Entry),
                Of(counts, "status", d.Id), Of(counts, "channel", d.Id), Of(counts, "suppressed", d.Id),
                report.Entered, report.SendsByChannel, report.SuppressionsByReason, report.GoalConversions));
        }
        var metrics = new CampaignReport(app.Store);
        var campaigns = new List<MetricsRow>();
        foreach (var (campaign, _) in await app.Store.CampaignsAsync(ct))
        {
            campaigns.Add((await metrics.ComputeAsync(campaign, DemoJourneySummary.Metrics, ct)).Total with { Value = campaign });
        }
        _watch.Stop();
        return new DemoJourneySummary(_samples.Count, SimulatedDays, Math.Round(_watch.Elapsed.TotalSeconds, 2), journeys, null) { Campaigns = campaigns };
    }

    /// <summary>Waits until the driver has taken no step and the outbox has delivered nothing for half a second (at most 20 s).</summary>
    private async Task SettleAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        var (steps, sent) = (app.JourneyDriver.PersistedSteps, app.Outbox.Delivered);
        while (quiet.Elapsed < TimeSpan.FromMilliseconds(500) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, ct);
            var now = (app.JourneyDriver.PersistedSteps, app.Outbox.Delivered);
            if (now != (steps, sent))
            {
                (steps, sent) = now;
                quiet.Restart();
            }
        }
    }

    private static SortedDictionary<string, long> Of(IReadOnlyList<Sqlite.JourneyCount> counts, string kind, string journey) =>
        new(counts.Where(c => c.Kind == kind && c.Journey == journey).ToDictionary(c => c.Key, c => c.Count), StringComparer.Ordinal);

    private static string Describe(JourneyEntry entry) => entry switch
    {
        EventEntry e => "event: " + e.Event.Describe(),
        SegmentEntry s => "segment: " + s.Segment,
        ScheduleEntry s => F($"schedule: every {JourneyText.Duration(s.Every)} at {s.At:HH\\:mm}"),
        ApiEntry => "api",
        _ => entry.GetType().Name,
    };

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
