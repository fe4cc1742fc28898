using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Profiles;
using Lodestar.Tags;
using Lodestar.Validation;

namespace Lodestar.Scoring;

/// <summary>
/// What lifecycle tier rules see of a customer: RFM scores and segment (absent before the first RFM run or without
/// orders), CLV and churn score when those models have run, tenure and the order history's totals.
/// </summary>
public sealed record TierInput
{
    public RfmScore? Score { get; init; }

    public string? RfmSegment { get; init; }

    public double? Clv { get; init; }

    /// <summary>Probability of churn, 0..1.</summary>
    public double? ChurnScore { get; init; }

    public double TenureDays { get; init; }

    public double? DaysSinceLastOrder { get; init; }

    public long Orders { get; init; }

    public double Monetary { get; init; }

    /// <summary>
    /// A profile's input at <paramref name="now"/>: scores and segment from the RFM run's tags, CLV and churn score
    /// from the <c>clv</c> and <c>churn_score</c> tags when present, tenure from first seen.
    /// </summary>
    public static TierInput FromProfile(Profile profile, DateTimeOffset now) => new()
    {
        Score = ScoringTags.Score(profile),
        RfmSegment = profile.Tags.TryGetValue(ScoringTags.RfmSegment, out var s) ? s.Value : null,
        Clv = ScoringTags.Number(profile, ScoringTags.Clv),
        ChurnScore = ScoringTags.Number(profile, ScoringTags.ChurnScore),
        TenureDays = (now - profile.FirstSeen).TotalDays,
        DaysSinceLastOrder = profile.Counters.LastOrderAt is { } o ? (now - o).TotalDays : null,
        Orders = profile.Counters.Orders,
        Monetary = (profile.Counters.SpendMinor - profile.Counters.RefundMinor) / 100.0,
    };
}

/// <summary>A tier: its name, the condition that puts a customer in it, and the share it is meant to have (for the report).</summary>
public sealed record TierDefinition(string Name, RuleCondition When, double? TargetShare);

/// <summary>
/// Lifecycle tier rules: tried in order, the first whose condition holds names the tier, and customers no rule takes
/// fall to <see cref="Fallback"/>, so every customer has exactly one tier (a total assignment by construction).
/// </summary>
public sealed class TierRuleSet
{
    /// <summary>
    /// The source documents' tiers (high value ~10%, active ~30%, new ~20%, dormant ~30%, churn risk ~10%), tuned on
    /// the R <c>rfm</c> data, where they give 10.4 / 28.1 / 21.6 / 28.8 / 11.1%. High value goes first: it gets
    /// resources first. A churn score of 0.5 or more, when the churn model has run, marks churn risk outright.
    /// </summary>
    public const string DefaultJson = """
        {
          "tiers": [
            { "name": "high_value", "targetShare": 0.10,
              "when": { "all": [ { "metric": "monetaryScore", "op": ">=", "value": 5 },
                                 { "metric": "frequencyScore", "op": ">=", "value": 4 },
                                 { "metric": "recencyScore", "op": ">=", "value": 4 } ] } },
            { "name": "churn_risk", "targetShare": 0.10,
              "when": { "any": [ { "metric": "churnScore", "op": ">=", "value": 0.5 },
                                 { "all": [ { "metric": "recencyScore", "op": "<=", "value": 2 },
                                            { "metric": "frequencyScore", "op": ">=", "value": 3 },
                                            { "metric": "monetaryScore", "op": ">=", "value": 4 } ] } ] } },
            { "name": "new", "targetShare": 0.20,
              "when": { "any": [ { "metric": "tenureDays", "op": "<=", "value": 90 },
                                 { "all": [ { "metric": "frequencyScore", "op": "<=", "value": 2 },
                                            { "metric": "recencyScore", "op": ">=", "value": 3 } ] } ] } },
            { "name": "active", "targetShare": 0.30,
              "when": { "metric": "recencyScore", "op": ">=", "value": 3 } }
          ],
          "fallback": { "name": "dormant", "targetShare": 0.30 }
        }
        """;

    /// <summary>What tier rules may name.</summary>
    public static RuleVocabulary Vocabulary { get; } = new(new Dictionary<string, MetricKind>(StringComparer.Ordinal)
    {
        ["recencyScore"] = MetricKind.Number,
        ["frequencyScore"] = MetricKind.Number,
        ["monetaryScore"] = MetricKind.Number,
        ["rfmSegment"] = MetricKind.Text,
        ["clv"] = MetricKind.Number,
        ["churnScore"] = MetricKind.Number,
        ["tenureDays"] = MetricKind.Number,
        ["daysSinceLastOrder"] = MetricKind.Number,
        ["orders"] = MetricKind.Number,
        ["monetary"] = MetricKind.Number,
    }, tags: false, events: false);

    public TierRuleSet(IEnumerable<TierDefinition> tiers, string fallback, double? fallbackTargetShare = null)
    {
        Tiers = [.. tiers];
        Fallback = fallback;
        FallbackTargetShare = fallbackTargetShare;
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(fallback) || Tiers.Any(t => string.IsNullOrWhiteSpace(t.Name) || !names.Add(t.Name)) || !names.Add(fallback))
        {
            throw new ArgumentException("tier names must be non-empty and distinct, the fallback's included");
        }
    }

    public ImmutableArray<TierDefinition> Tiers { get; }

    public string Fallback { get; }

    public double? FallbackTargetShare { get; }

    /// <summary>Tier names in report order: the rules' order, then the fallback.</summary>
    public IEnumerable<string> Names => Tiers.Select(t => t.Name).Append(Fallback);

    public static TierRuleSet Default { get; } = Parse(DefaultJson) is { IsValid: true } d ? d.Value! : throw new InvalidOperationException("the default tier rules are invalid");

    /// <summary>The customer's tier: the first rule that holds, else the fallback. Never null, never two.</summary>
    public string Assign(TierInput input)
    {
        var subject = new TierSubject(input);
        foreach (var tier in Tiers)
        {
            if (RuleConditions.Holds(tier.When, subject))
            {
                return tier.Name;
            }
        }
        return Fallback;
    }

    public static Validated<TierRuleSet> Parse(string json) => ScoringJson.Parse(json, Read);

    private static TierRuleSet? Read(JsonElement root, List<FieldError> errors)
    {
        if (!ScoringJson.IsObject(root, "", errors, "a tier rule set { tiers, fallback }"))
        {
            return null;
        }
        ScoringJson.OnlyKnown(root, "", errors, "tiers", "fallback");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tiers = new List<TierDefinition>();
        if (!root.TryGetProperty("tiers", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError("/tiers", "expected an array of tiers (it may be empty)"));
        }
        else
        {
            var i = 0;
            foreach (var el in list.EnumerateArray())
            {
                var at = $"/tiers/{i++}";
                if (!ScoringJson.IsObject(el, at, errors, "a tier { name, when, targetShare }"))
                {
                    continue;
                }
                ScoringJson.OnlyKnown(el, at, errors, "name", "when", "targetShare");
                var name = ScoringJson.Text(el, "name", at, errors, required: true);
                if (name is not null && !names.Add(name))
                {
                    errors.Add(new FieldError($"{at}/name", $"duplicate tier name '{name}'"));
                }
                var share = ScoringJson.Number(el, "targetShare", at, errors, 0, 1);
                RuleCondition? when = null;
                if (!el.TryGetProperty("when", out var w))
                {
                    errors.Add(new FieldError($"{at}/when", "is required: the condition that puts a customer in this tier"));
                }
                else
                {
                    when = RuleConditionJson.Read(w, $"{at}/when", errors, Vocabulary);
                }
                if (name is not null && when is not null)
                {
                    tiers.Add(new TierDefinition(name, when, share));
                }
            }
        }
        string? fallback = null;
        double? fallbackShare = null;
        if (!root.TryGetProperty("fallback", out var f))
        {
            errors.Add(new FieldError("/fallback", "is required: the tier of customers no rule takes, so that every customer has one"));
        }
        else if (ScoringJson.IsObject(f, "/fallback", errors, "{ \"name\": ... }: the tier of customers no rule takes"))
        {
            ScoringJson.OnlyKnown(f, "/fallback", errors, "name", "targetShare");
            fallback = ScoringJson.Text(f, "name", "/fallback", errors, required: true);
            fallbackShare = ScoringJson.Number(f, "targetShare", "/fallback", errors, 0, 1);
            if (fallback is not null && names.Contains(fallback))
            {
                errors.Add(new FieldError("/fallback/name", $"'{fallback}' is already a tier above; the fallback needs its own name"));
            }
        }
        return errors.Count > 0 ? null : new TierRuleSet(tiers, fallback!, fallbackShare);
    }

    public string ToJson() => ScoringJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("tiers");
        foreach (var tier in Tiers)
        {
            w.WriteStartObject();
            w.WriteString("name", tier.Name);
            if (tier.TargetShare is { } share)
            {
                w.WriteNumber("targetShare", share);
            }
            w.WritePropertyName("when");
            RuleConditionJson.Write(w, tier.When);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("fallback");
        w.WriteString("name", Fallback);
        if (FallbackTargetShare is { } s)
        {
            w.WriteNumber("targetShare", s);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private sealed class TierSubject(TierInput input) : IRuleSubject
    {
        public MetricValue Metric(string name) => name switch
        {
            "recencyScore" => input.Score is { } s ? s.Recency : MetricValue.None,
            "frequencyScore" => input.Score is { } s ? s.Frequency : MetricValue.None,
            "monetaryScore" => input.Score is { } s ? s.Monetary : MetricValue.None,
            "rfmSegment" => input.RfmSegment is { } t ? new MetricValue(null, t) : MetricValue.None,
            "clv" => input.Clv is { } x ? x : MetricValue.None,
            "churnScore" => input.ChurnScore is { } x ? x : MetricValue.None,
            "tenureDays" => input.TenureDays,
            "daysSinceLastOrder" => input.DaysSinceLastOrder is { } x ? x : MetricValue.None,
            "orders" => input.Orders,
            "monetary" => input.Monetary,
            _ => throw new KeyNotFoundException($"unknown tier metric '{name}'"),
        };

        public string? Tag(string name) => null;

        public MetricValue EventCount(string name, int withinDays) => MetricValue.None;
    }
}

/// <summary>One tier in a report: its customers and share now, before, and how many moved in and out.</summary>
public sealed record TierShare(string Name, int Customers, double Share, double? TargetShare, int Previously, int MovedIn, int MovedOut);

/// <summary>A cell of the transition matrix: customers in <see cref="From"/> before (null: no tier yet) and in <see cref="To"/> now.</summary>
public sealed record TierMove(string? From, string To, int Customers);

/// <summary>Each tier's share and its movement since the previous assignment (e.g. last month's).</summary>
public sealed record TierReport(int Customers, ImmutableArray<TierShare> Tiers, ImmutableArray<TierMove> Moves)
{
    /// <summary>Builds the report from each customer's previous tier (null for none) and current tier.</summary>
    public static TierReport Build(TierRuleSet rules, IEnumerable<(string? Previous, string Current)> assignments)
    {
        var cells = new Dictionary<(string? From, string To), int>();
        var total = 0;
        foreach (var a in assignments)
        {
            total++;
            cells[(a.Previous, a.Current)] = cells.GetValueOrDefault((a.Previous, a.Current)) + 1;
        }
        var order = rules.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        int Rank(string? name) => name is null ? -1 : order.TryGetValue(name, out var i) ? i : order.Count;
        var tiers = rules.Tiers.Select(t => (t.Name, t.TargetShare)).Append((Name: rules.Fallback, TargetShare: rules.FallbackTargetShare)).Select(t =>
        {
            var now = cells.Where(c => c.Key.To == t.Name).Sum(c => c.Value);
            var before = cells.Where(c => c.Key.From == t.Name).Sum(c => c.Value);
            var stayed = cells.GetValueOrDefault((t.Name, t.Name));
            return new TierShare(t.Name, now, total == 0 ? 0 : (double)now / total, t.TargetShare, before, now - stayed, before - stayed);
        });
        var moves = cells.OrderBy(c => Rank(c.Key.From)).ThenBy(c => c.Key.From, StringComparer.Ordinal).ThenBy(c => Rank(c.Key.To))
            .Select(c => new TierMove(c.Key.From, c.Key.To, c.Value));
        return new TierReport(total, [.. tiers], [.. moves]);
    }
}
