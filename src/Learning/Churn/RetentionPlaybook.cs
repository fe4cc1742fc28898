using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lodestar.Learning.Churn;

/// <summary>
/// Configuration: which retention strategy answers which churn reason (price-sensitive → coupon, complaint →
/// compensation, inactivity → wake-up offer, ...). A customer's strategy is the one of their strongest reason that
/// has an entry; <see cref="Fallback"/> when none has. Load a tenant's own with <see cref="FromJson"/>.
/// </summary>
public sealed record RetentionPlaybook
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public required ImmutableSortedDictionary<string, string> Strategies { get; init; }

    public string Fallback { get; init; } = "personal_outreach";

    public static RetentionPlaybook Default { get; } = new()
    {
        Strategies = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ChurnReasons.Price] = "coupon",
            [ChurnReasons.SpendDecline] = "coupon",
            [ChurnReasons.Complaint] = "compensation",
            [ChurnReasons.Inactivity] = "wake_up_offer",
            [ChurnReasons.Engagement] = "wake_up_offer",
            [ChurnReasons.Returns] = "quality_follow_up",
            [ChurnReasons.Tenure] = "onboarding_care",
            [ChurnReasons.Contract] = "contract_upgrade_offer",
            [ChurnReasons.Billing] = "autopay_incentive",
            [ChurnReasons.Support] = "free_support_trial",
            [ChurnReasons.ServiceQuality] = "service_recovery",
            [ChurnReasons.ProductFit] = "bundle_review",
        }.ToImmutableSortedDictionary(StringComparer.Ordinal),
    };

    /// <summary>Reads <c>{"strategies": {"price": "coupon", ...}, "fallback": "..."}</c>; throws on an empty strategy.</summary>
    public static RetentionPlaybook FromJson(string json)
    {
        var playbook = JsonSerializer.Deserialize<RetentionPlaybook>(json, Json)
            ?? throw new JsonException("a retention playbook is an object");
        var empty = playbook.Strategies.FirstOrDefault(kv => string.IsNullOrWhiteSpace(kv.Value));
        if (empty.Key is not null || string.IsNullOrWhiteSpace(playbook.Fallback))
        {
            throw new JsonException($"strategy for '{empty.Key ?? "fallback"}' is empty");
        }
        return playbook;
    }

    /// <summary>The strategy for reasons given strongest first.</summary>
    public string StrategyFor(IEnumerable<string> reasons) =>
        reasons.Select(r => Strategies.GetValueOrDefault(r)).FirstOrDefault(s => s is not null) ?? Fallback;
}
