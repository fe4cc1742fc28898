using Lodestar.Api;
using Lodestar.Functions.Journeys;
using Lodestar.Journeys;
using Lodestar.Sqlite;
using Lodestar.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Tests;

/// <summary>
/// The journey routes over a real SQLite store of published definitions: publish (problem+json with pointers when invalid,
/// 501 where the store keeps no definitions), the catalog the app runs, and the write key on every route.
/// </summary>
public sealed class JourneyRoutesTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteStore _store;
    private readonly MessageTemplates _templates = new(MessageTemplates.Locate(null));
    private readonly string _cart = File.ReadAllText(HttpRequests.RepoFile("journeys/abandoned-cart.json"));

    public JourneyRoutesTests() => _store = SqliteStore.Open(Path.Combine(_folder.Path, "store.db"));

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private JourneyHttpFunctions Functions(out JourneyCatalog catalog, bool withStore = true)
    {
        catalog = new JourneyCatalog([], withStore ? new StoreJourneyDefinitions(_store) : null, new FixedTimeProvider(Samples.T0));
        return new JourneyHttpFunctions(new JourneyApi(catalog, new ApiSecrets(HttpRequests.WriteKey, "mp_0123456789abcdef"), _templates));
    }

    [Fact]
    public async Task Publish_Valid_IsStored_ListedAndEnteredByNewInstances_AndAgainIsUnchanged()
    {
        var functions = Functions(out var catalog);

        var first = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart), Token));
        var again = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart), Token));
        var list = HttpRequests.Json(HttpRequests.Api(await functions.List(HttpRequests.Make("GET", "/api/journeys"), Token)));

        Assert.Equal((StatusCodes.Status201Created, "published"), (first.Status, HttpRequests.Json(first).GetProperty("outcome").GetString()));
        Assert.Equal((StatusCodes.Status200OK, "unchanged"), (again.Status, HttpRequests.Json(again).GetProperty("outcome").GetString()));
        var journey = Assert.Single(list.GetProperty("journeys").EnumerateArray());
        Assert.Equal(("abandoned-cart", 1), (journey.GetProperty("id").GetString(), journey.GetProperty("latest").GetInt32()));
        Assert.Equal(Samples.T0, Assert.Single(journey.GetProperty("versions").EnumerateArray()).GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal("abandoned-cart@1", Assert.Single(await catalog.LatestAsync(Token)).Definition.Key);
    }

    [Fact]
    public async Task Publish_SameVersionWithOtherJson_IsAConflict()
    {
        var functions = Functions(out _);
        await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart), Token);

        var result = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart.Replace("Abandoned cart", "Abandoned basket", StringComparison.Ordinal)), Token));

        Assert.Equal((StatusCodes.Status409Conflict, Problems.ContentType), (result.Status, result.ContentType));
    }

    [Fact]
    public async Task Publish_Invalid_AnswersProblemJson_WithThePointersOfTheReader()
    {
        var invalid = _cart.Replace("\"start\": \"wait-for-purchase\"", "\"start\": \"nowhere\"", StringComparison.Ordinal)
            .Replace("\"template\": \"cart-coupon-sms\"", "\"template\": \"no-such-template\"", StringComparison.Ordinal);

        var result = HttpRequests.Api(await Functions(out _).Publish(HttpRequests.Make("POST", "/api/journeys", invalid), Token));

        var expected = JourneyReader.Parse(invalid, new JourneyValidationOptions(_templates.Catalog!.KnownIds)).Errors.Select(e => e.Pointer);
        Assert.Equal((StatusCodes.Status400BadRequest, Problems.ContentType), (result.Status, result.ContentType));
        Assert.Equal(expected, HttpRequests.Json(result).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()));
        Assert.Contains(expected, p => p.EndsWith("/template", StringComparison.Ordinal));   // templates are checked against the app's folder
        Assert.Empty(await _store.DefinitionsAsync(Token));
    }

    [Fact]
    public async Task Publish_WithoutAStoreOfDefinitions_ValidIsNotImplemented_InvalidStillNamesItsErrors()
    {
        var functions = Functions(out _, withStore: false);

        var valid = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart), Token));
        var invalid = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", "{}"), Token));

        Assert.Equal((StatusCodes.Status501NotImplemented, Problems.ContentType), (valid.Status, valid.ContentType));
        Assert.Equal(StatusCodes.Status400BadRequest, invalid.Status);
    }

    [Fact]
    public async Task Routes_WithoutTheWriteKey_AreUnauthorized()
    {
        var functions = Functions(out _);

        var publish = HttpRequests.Api(await functions.Publish(HttpRequests.Make("POST", "/api/journeys", _cart, writeKey: null), Token));
        var list = HttpRequests.Api(await functions.List(HttpRequests.Make("GET", "/api/journeys", writeKey: "wrong-key-0123456789"), Token));

        Assert.Equal((401, 401), (publish.Status, list.Status));
        Assert.Empty(await _store.DefinitionsAsync(Token));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
