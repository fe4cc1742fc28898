using Lodestar.Profiles;

namespace Lodestar.Tags;

/// <summary>How many profiles a batch tag run read and changed.</summary>
public sealed record TagRefreshReport(TagCadence Cadence, int Profiles, int Changed);

/// <summary>
/// The batch entry point for the daily (preference) and monthly (value) tag rules, called by the scoring timers and by
/// the standalone scheduler.
/// </summary>
public sealed class RefreshTags(IProfileStore store, TagRuleSet rules, TimeProvider time)
{
    public async Task<TagRefreshReport> RunAsync(TagCadence cadence, CancellationToken cancellationToken)
    {
        var selected = rules.For(cadence).ToArray();
        var pending = new List<Profile>();
        int read = 0, changed = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            read++;
            var next = TagEngine.Apply(profile, selected, time.GetUtcNow());
            if (!ReferenceEquals(next, profile))
            {
                pending.Add(next);
            }
            if (pending.Count >= 1_000)
            {
                changed += await Save(pending, selected, cancellationToken);
            }
        }
        changed += await Save(pending, selected, cancellationToken);
        return new TagRefreshReport(cadence, read, changed);
    }

    /// <summary>Saves; profiles that ingestion changed meanwhile are re-read and re-tagged, so no counter is lost.</summary>
    private async Task<int> Save(List<Profile> pending, TagRule[] selected, CancellationToken cancellationToken)
    {
        var saved = 0;
        for (var attempt = 0; pending.Count > 0 && attempt < 5; attempt++)
        {
            var conflicts = await store.SaveAsync(pending, cancellationToken);
            saved += pending.Count - conflicts.Count;
            pending.Clear();
            foreach (var id in conflicts)
            {
                if (await store.GetAsync(id, cancellationToken) is { } fresh)
                {
                    pending.Add(TagEngine.Apply(fresh, selected, time.GetUtcNow()));
                }
            }
        }
        pending.Clear();
        return saved;
    }
}
