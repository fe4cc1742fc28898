using Lodestar.Customers;
using Lodestar.Ingestion;

namespace Lodestar.Profiles;

/// <summary>The read and maintenance side of the customer store (profiles, merges, erasure).</summary>
public interface IProfileStore
{
    /// <summary>The profile of <paramref name="id"/>, following merges: a merged-away id answers with its survivor.</summary>
    Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken);

    /// <summary>The customer an identifier (its graph key, see <see cref="Identity.Identifier.GraphKey"/>) belongs to.</summary>
    Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken);

    /// <summary>Every profile, in pages, for the batch tag and scoring runs.</summary>
    IAsyncEnumerable<Profile> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Saves profiles whose stored version is still the one they were read at; returns the ids that changed meanwhile.</summary>
    Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken);

    /// <summary>Erases a customer: profile, events, identities, merges and quarantined records; others stay intact.</summary>
    Task<bool> EraseAsync(CustomerId id, CancellationToken cancellationToken);
}
