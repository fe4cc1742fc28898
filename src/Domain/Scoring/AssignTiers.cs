using Lodestar.Profiles;

namespace Lodestar.Scoring;

/// <summary>What a tier run did, with the tier report (shares and movement since the previous assignment).</summary>
public sealed record TierRunReport(int Profiles, int Changed, int Unsaved, TierReport Report);

/// <summary>
/// The monthly tier run: every profile gets exactly one lifecycle tier (tag <c>tier</c>, value family) from the
/// rules over its RFM tags, CLV and churn tags when present, and tenure. The previous value of the tag is the
/// previous assignment the report's movement is measured against. Only changed profiles are written.
/// </summary>
public sealed class AssignTiers(IProfileStore store, TierRuleSet rules)
{
    public async Task<TierRunReport> RunAsync(DateTimeOffset now, IProgress<ScoringProgress>? progress, CancellationToken cancellationToken)
    {
        var assignments = new List<(string? Previous, string Current)>();
        var writer = new ProfileBatchWriter<int>(store, p => (Apply(p, rules, now).Profile, 0), _ => { });
        var read = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            if (++read % ProfileBatchWriter<int>.BatchSize == 0)
            {
                progress?.Report(new ScoringProgress("assigning", read, null));
            }
            var (next, previous, tier) = Apply(profile, rules, now);
            assignments.Add((previous, tier));
            if (!ReferenceEquals(next, profile))
            {
                await writer.AddAsync(next, 0, cancellationToken);
            }
        }
        await writer.FlushAsync(cancellationToken);
        progress?.Report(new ScoringProgress("assigning", read, read));
        return new TierRunReport(read, writer.Saved, writer.Unsaved, TierReport.Build(rules, assignments));
    }

    public static (Profile Profile, string? Previous, string Tier) Apply(Profile profile, TierRuleSet rules, DateTimeOffset now)
    {
        var previous = profile.Tags.TryGetValue(ScoringTags.Tier, out var t) ? t.Value : null;
        var tier = rules.Assign(TierInput.FromProfile(profile, now));
        var tags = ScoringTags.Set(profile.Tags, ScoringTags.Tier, tier, ScoringTags.ValueFamily, now);
        return (tags == profile.Tags ? profile : profile with { Tags = tags }, previous, tier);
    }
}
