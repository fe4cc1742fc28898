using Lodestar.Journeys.Driving;

namespace Lodestar.Tests.Store;

/// <summary>
/// Publishing journey definitions (<see cref="IJourneyStore.PublishAsync"/> and <see cref="IJourneyStore.DefinitionsAsync"/>),
/// for every store that keeps them: a version is immutable, a retried publish of the same JSON is
/// <see cref="PublishOutcome.Unchanged"/>, other JSON under a taken version is <see cref="PublishOutcome.VersionTaken"/>
/// and changes nothing, and the list is every version, oldest first.
/// </summary>
public abstract class JourneyDefinitionsContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The two operations under test, as a store offers them.</summary>
    protected sealed record Definitions(
        Func<PublishedJourney, CancellationToken, Task<PublishOutcome>> Publish,
        Func<CancellationToken, Task<IReadOnlyList<PublishedJourney>>> List);

    private Definitions? _store;

    private Definitions Store => _store ?? throw new InvalidOperationException("not initialised");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh store with nothing published.</summary>
    protected abstract Task<Definitions> CreateAsync(CancellationToken cancellationToken);

    protected abstract ValueTask DisposeStoreAsync();

    public async ValueTask InitializeAsync() => _store = await CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    private static PublishedJourney Journey(string id, int version, int minutes, string step = "wait") => new(
        id, version, $"{id} v{version}",
        $$"""{"id":"{{id}}","version":{{version}},"nodes":[{"id":"start","type":"{{step}}"}]}""",
        T0.AddMinutes(minutes));

    [Fact]
    public async Task Publish_NewVersion_IsPublishedAndListedAsGiven()
    {
        var journey = Journey("welcome", 1, 0);

        var outcome = await Store.Publish(journey, Ct);

        Assert.Equal(PublishOutcome.Published, outcome);
        Assert.Equal([journey], await Store.List(Ct));
    }

    [Fact]
    public async Task Publish_SameJsonAgain_IsUnchangedAndKeepsOneVersion()
    {
        var journey = Journey("welcome", 1, 0);
        await Store.Publish(journey, Ct);

        var again = await Store.Publish(journey with { PublishedAt = T0.AddHours(1) }, Ct);

        Assert.Equal(PublishOutcome.Unchanged, again);
        Assert.Equal([journey], await Store.List(Ct));
    }

    [Fact]
    public async Task Publish_OtherJsonUnderATakenVersion_IsVersionTakenAndKeepsTheFirst()
    {
        var first = Journey("welcome", 1, 0);
        await Store.Publish(first, Ct);

        var other = await Store.Publish(Journey("welcome", 1, 5, step: "exit"), Ct);

        Assert.Equal(PublishOutcome.VersionTaken, other);
        Assert.Equal([first], await Store.List(Ct));
    }

    [Fact]
    public async Task Definitions_EveryVersionOfEveryJourney_OldestFirstThenByIdAndVersion()
    {
        PublishedJourney[] published =
        [
            Journey("winback", 2, 30), Journey("welcome", 1, 0), Journey("winback", 1, 10),
            Journey("abandoned-cart", 1, 10), Journey("welcome", 2, 20),
        ];
        foreach (var j in published)
        {
            Assert.Equal(PublishOutcome.Published, await Store.Publish(j, Ct));
        }

        var listed = await Store.List(Ct);

        Assert.Equal(published.OrderBy(j => j.PublishedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ThenBy(j => j.Version), listed);
    }
}
