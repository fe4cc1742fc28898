using System.Collections.ObjectModel;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>One container of the layout, as infra/bicep/cosmos-containers.json declares it.</summary>
public sealed record ContainerLayout(string Name, string PartitionKey, IReadOnlyList<string> IncludedPaths, IReadOnlyList<string> ExcludedPaths);

/// <summary>
/// The containers the store uses. Their names, partition keys and indexing policies come from
/// infra/bicep/cosmos-containers.json (embedded), the same file the Bicep deploys, so Azure and the stand-in agree.
/// In Azure the containers exist because the template declares them (the app's data-plane role cannot create them);
/// <see cref="CreateAsync"/> is for the local stand-in and the tests.
/// </summary>
public static class CosmosLayout
{
    public const string Profiles = "profiles";
    public const string Events = "events";
    public const string Identities = "identities";
    public const string DeadLetters = "deadLetters";
    public const string Journeys = "journeys";
    public const string JourneyInstances = "journeyInstances";
    public const string Deliveries = "deliveries";

    public static IReadOnlyList<ContainerLayout> Containers { get; } = Load();

    private static ReadOnlyCollection<ContainerLayout> Load()
    {
        using var stream = typeof(CosmosLayout).Assembly.GetManifestResourceStream("Lodestar.Cosmos.cosmos-containers.json")
            ?? throw new InvalidOperationException("cosmos-containers.json is not embedded in the Cosmos adapter.");
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.GetProperty("containers").EnumerateArray().Select(c => new ContainerLayout(
            c.GetProperty("name").GetString()!,
            c.GetProperty("partitionKey").GetString()!,
            Strings(c, "includedPaths") is { Count: > 0 } included ? included : ["/*"],
            Strings(c, "excludedPaths"))).ToList().AsReadOnly();
    }

    private static List<string> Strings(JsonElement container, string property) =>
        container.TryGetProperty(property, out var array) ? [.. array.EnumerateArray().Select(p => p.GetString()!)] : [];

    /// <summary>Creates the database and every container of the layout where missing (stand-in and tests only).</summary>
    public static async Task CreateAsync(CosmosClient client, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        Database db = await client.CreateDatabaseIfNotExistsAsync(database, cancellationToken: cancellationToken);
        foreach (var c in Containers)
        {
            var properties = new ContainerProperties(c.Name, c.PartitionKey)
            {
                IndexingPolicy = new IndexingPolicy { IndexingMode = IndexingMode.Consistent, Automatic = true },
            };
            foreach (var path in c.IncludedPaths)
            {
                properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
            }
            foreach (var path in c.ExcludedPaths.Append("/\"_etag\"/?"))
            {
                properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = path });
            }
            await db.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken);
        }
    }
}
