using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>
/// System.Text.Json for every document, with the Domain's options (<see cref="DomainJson.Options"/>: its source-generated
/// context for events and profiles, camelCase, enums as strings), so a stored record has the same shape in Cosmos as in
/// SQLite and on the wire. Newtonsoft.Json is referenced only because the SDK's build insists on it.
/// </summary>
internal sealed class DomainCosmosSerializer : CosmosSerializer
{
    public override T FromStream<T>(Stream stream)
    {
        if (typeof(Stream).IsAssignableFrom(typeof(T)))
        {
            return (T)(object)stream;
        }
        using (stream)
        {
            return JsonSerializer.Deserialize<T>(stream, DomainJson.Options)!;
        }
    }

    public override Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, input, DomainJson.Options);
        stream.Position = 0;
        return stream;
    }
}
