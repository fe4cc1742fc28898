using Lodestar.Profiles;

namespace Lodestar.Jobs;

/// <summary>How many profiles a pass read, how many it saved changed, and how many it had to leave for the next run.</summary>
public readonly record struct RewriteCounts(int Profiles, int Changed, int Unsaved);

/// <summary>
/// One pass over every profile that saves those a pure function changes, in batches. A profile that ingestion saved
/// meanwhile is read again and the function applied to the fresh copy (as the Domain's runs do), so no counter is
/// lost; after five conflicting rounds it is counted as unsaved and left for the next run. Because the function
/// decides from the profile alone, a second pass (a re-run after a crash) saves only what the first did not.
/// </summary>
internal static class ProfileRewrite
{
    private const int BatchSize = 1_000;

    public static async Task<RewriteCounts> ApplyAsync(IProfileStore store, Func<Profile, Profile> apply, CancellationToken cancellationToken)
    {
        var pending = new List<Profile>(BatchSize);
        int read = 0, changed = 0, unsaved = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            read++;
            var next = apply(profile);
            if (!ReferenceEquals(next, profile))
            {
                pending.Add(next);
            }
            if (pending.Count >= BatchSize)
            {
                (changed, unsaved) = Add((changed, unsaved), await SaveAsync(store, pending, apply, cancellationToken));
            }
        }
        (changed, unsaved) = Add((changed, unsaved), await SaveAsync(store, pending, apply, cancellationToken));
        return new RewriteCounts(read, changed, unsaved);
    }

    private static (int, int) Add((int A, int B) x, (int A, int B) y) => (x.A + y.A, x.B + y.B);

    private static async Task<(int Saved, int Unsaved)> SaveAsync(IProfileStore store, List<Profile> pending, Func<Profile, Profile> apply, CancellationToken cancellationToken)
    {
        var saved = 0;
        for (var attempt = 0; pending.Count > 0 && attempt < 5; attempt++)
        {
            var conflicts = await store.SaveAsync([.. pending], cancellationToken);
            saved += pending.Count - conflicts.Count;
            pending.Clear();
            foreach (var id in conflicts.Order(CustomerOrder.Instance))
            {
                if (await store.GetAsync(id, cancellationToken) is { } fresh && apply(fresh) is var next && !ReferenceEquals(next, fresh))
                {
                    pending.Add(next);
                }
            }
        }
        var left = pending.Count;
        pending.Clear();
        return (saved, left);
    }

    private sealed class CustomerOrder : IComparer<Customers.CustomerId>
    {
        public static readonly CustomerOrder Instance = new();

        public int Compare(Customers.CustomerId x, Customers.CustomerId y) => string.CompareOrdinal(x.Value, y.Value);
    }
}

/// <summary>A clock that always reads the period's instant, so that the tag rules of a period evaluate alike on every re-run.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
