using Lodestar.Customers;
using Lodestar.Profiles;

namespace Lodestar.Scoring;

/// <summary>How far a scoring run is: profiles read in the current pass, of how many (when known).</summary>
public sealed record ScoringProgress(string Phase, int Read, int? Total);

/// <summary>The instants the scoring runs measure from.</summary>
public static class AnalysisDay
{
    /// <summary>
    /// The end of <paramref name="date"/> in the tenant's zone (the next midnight): everything that happened on the
    /// analysis date counts, nothing after it.
    /// </summary>
    public static DateTimeOffset End(DateOnly date, TimeSpan zone) => new(date.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The calendar date of an instant in the tenant's zone.</summary>
    public static DateOnly DateOf(DateTimeOffset instant, TimeSpan zone) => DateOnly.FromDateTime(instant.ToOffset(zone).DateTime);
}

/// <summary>
/// Saves changed profiles in batches. A profile that ingestion changed since it was read is read again and the
/// run's change applied to the fresh copy (as <see cref="Tags.RefreshTags"/> does), so no counter is lost; after five
/// rounds of conflicts the rest are counted as unsaved and left for the next run.
/// </summary>
internal sealed class ProfileBatchWriter<T>(IProfileStore store, Func<Profile, (Profile Next, T Payload)> apply, Action<T> onSaved)
{
    public const int BatchSize = 1_000;

    private readonly List<(Profile Profile, T Payload)> _pending = [];

    public int Saved { get; private set; }

    public int Unsaved { get; private set; }

    public async Task AddAsync(Profile changed, T payload, CancellationToken cancellationToken)
    {
        _pending.Add((changed, payload));
        if (_pending.Count >= BatchSize)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; _pending.Count > 0 && attempt < 5; attempt++)
        {
            var conflicts = await store.SaveAsync([.. _pending.Select(p => p.Profile)], cancellationToken);
            var refused = conflicts.ToHashSet();
            foreach (var (profile, payload) in _pending)
            {
                if (!refused.Contains(profile.Id))
                {
                    Saved++;
                    onSaved(payload);
                }
            }
            _pending.Clear();
            foreach (var id in refused.Order(Comparer<CustomerId>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))))
            {
                if (await store.GetAsync(id, cancellationToken) is { } fresh)
                {
                    var (next, payload) = apply(fresh);
                    if (!ReferenceEquals(next, fresh))
                    {
                        _pending.Add((next, payload));
                    }
                }
            }
        }
        Unsaved += _pending.Count;
        _pending.Clear();
    }
}
