using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar;

/// <summary>The one JSON shape for stored records and API bodies: camelCase, enums as camelCase strings, no nulls.</summary>
public static class DomainJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new CustomerIdConverter());
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(DomainJsonContext.Default, new DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }

    private sealed class CustomerIdConverter : JsonConverter<Customers.CustomerId>
    {
        public override Customers.CustomerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Customers.CustomerId.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, Customers.CustomerId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Value);
    }
}

/// <summary>Source-generated serialisers for the records written on the hot path (events and profiles).</summary>
[JsonSerializable(typeof(CustomerEvent))]
[JsonSerializable(typeof(Profile))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class DomainJsonContext : JsonSerializerContext;
