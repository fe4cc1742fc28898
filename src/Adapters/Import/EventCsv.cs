using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Validation;
using Sylvan.Data.Csv;

namespace Lodestar.Import;

/// <summary>
/// The generic event CSV (docs/import-formats.md): one Segment-style call per row, with the columns
/// <c>messageId, type, event, userId, anonymousId, phone, email, openid, timestamp, properties</c> (properties a JSON
/// object in one cell; for identify it holds the traits). Header names are matched case-insensitively, columns may come
/// in any order, absent optional columns are empty and unknown columns are ignored.
/// </summary>
public static class EventCsv
{
    public const string Source = "import";

    public static readonly ImmutableArray<string> Columns =
        ["messageId", "type", "event", "userId", "anonymousId", "phone", "email", "openid", "timestamp", "properties"];

    private const int MaxLength = 200;

    /// <summary>Yields one record per row, lazily; a row that cannot be read becomes an error record and reading continues.</summary>
    public static IEnumerable<ImportRecord> Read(Stream content, SourceContext context)
    {
        using var csv = Csv.Open(content);
        foreach (var record in ReadRows(csv, context))
        {
            yield return record;
        }
    }

    internal static IEnumerable<ImportRecord> ReadRows(CsvDataReader csv, SourceContext context)
    {
        var missing = new[] { "type", "timestamp" }.Where(c => Csv.Ordinal(csv, c) < 0).ToList();
        if (missing.Count > 0)
        {
            yield return new ImportRecord(0, Validated<RawEvent>.Fail([.. missing.Select(c => new FieldError($"/header/{c}", "column is missing"))]));
            yield break;
        }
        var ordinals = Columns.ToDictionary(c => c, c => Csv.Ordinal(csv, c), StringComparer.Ordinal);
        var row = 0;
        while (csv.Read())
        {
            row++;
            yield return new ImportRecord(row, ParseRow(csv, ordinals, row, context));
        }
    }

    private static Validated<RawEvent> ParseRow(CsvDataReader csv, Dictionary<string, int> ordinals, int row, SourceContext context)
    {
        var errors = new List<FieldError>();
        string? Text(string column)
        {
            var value = Csv.Text(csv, ordinals[column]);
            if (value is { Length: > MaxLength })
            {
                errors.Add(new FieldError(Csv.Pointer(row, column), $"must be at most {MaxLength} characters"));
                return null;
            }
            return value;
        }

        var typeText = Text("type");
        var type = typeText is null ? null : SegmentParser.TypeOf(typeText.ToLowerInvariant());
        if (type is null or EventType.Alias)
        {
            errors.Add(new FieldError(Csv.Pointer(row, "type"), typeText is null ? "is required" : "must be one of track, identify, page, screen"));
        }
        var name = Text("event");
        if (type == EventType.Track && name is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, "event"), "is required for track"));
        }

        var ids = ImmutableArray.CreateBuilder<RawIdentifier>();
        if (Text("userId") is { } userId)
        {
            ids.Add(UserId(userId));
        }
        foreach (var (column, kind) in new[] { ("anonymousId", IdKind.Anonymous), ("phone", IdKind.Phone), ("email", IdKind.Email), ("openid", IdKind.OpenId) })
        {
            if (Text(column) is { } value)
            {
                ids.Add(new RawIdentifier(kind, value));
            }
        }
        if (ids.Count == 0 && !errors.Any(e => e.Message.StartsWith("must be at most", StringComparison.Ordinal)))
        {
            errors.Add(new FieldError(Csv.Pointer(row, "userId"), "one of userId, anonymousId, phone, email or openid is required"));
        }

        var timestampText = Text("timestamp");
        var at = default(DateTimeOffset);
        var offsetStated = true;
        if (timestampText is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, "timestamp"), "is required"));
        }
        else if (!TryTimestamp(timestampText, context.TenantOffset, out at, out offsetStated))
        {
            errors.Add(new FieldError(Csv.Pointer(row, "timestamp"), "must be an ISO-8601 timestamp (e.g. 2026-11-25T20:15:00+08:00) or Unix milliseconds"));
        }

        var properties = ImmutableSortedDictionary<string, JsonElement>.Empty;
        var propertiesText = Csv.Text(csv, ordinals["properties"]);
        if (propertiesText is not null && !TryProperties(propertiesText, out properties))
        {
            errors.Add(new FieldError(Csv.Pointer(row, "properties"), "must be a JSON object"));
        }

        var messageId = Text("messageId");
        if (messageId is { Length: > 100 })
        {
            errors.Add(new FieldError(Csv.Pointer(row, "messageId"), "must be at most 100 characters"));
        }
        if (errors.Count > 0)
        {
            return Validated<RawEvent>.Fail(errors);
        }
        return Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = messageId ?? DerivedMessageId(csv, ordinals),
            Type = type!.Value,
            Name = type == EventType.Identify ? null : name,
            Source = Source,
            Ids = ids.ToImmutable(),
            Timestamp = at,
            OffsetStated = offsetStated,
            Properties = type == EventType.Identify ? ImmutableSortedDictionary<string, JsonElement>.Empty : properties,
            Traits = type == EventType.Identify ? Traits(properties) : ImmutableSortedDictionary<string, string>.Empty,
        });
    }

    /// <summary>As in the HTTP API: a kind prefix ("wx:", "union:", "anon:") names the kind, a bare id is a member id.</summary>
    private static RawIdentifier UserId(string id)
    {
        foreach (var (prefix, kind) in new[] { ("wx:", IdKind.OpenId), ("union:", IdKind.UnionId), ("anon:", IdKind.Anonymous) })
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new RawIdentifier(kind, id[prefix.Length..]);
            }
        }
        return new RawIdentifier(IdKind.Member, id);
    }

    private static bool TryTimestamp(string text, TimeSpan tenantOffset, out DateTimeOffset at, out bool offsetStated)
    {
        offsetStated = true;
        if (text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is > 0 and < 32_503_680_000_000)
        {
            at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }
        return Timestamps.TryParse(text, tenantOffset, out at, out offsetStated);
    }

    private static bool TryProperties(string text, out ImmutableSortedDictionary<string, JsonElement> properties)
    {
        properties = ImmutableSortedDictionary<string, JsonElement>.Empty;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            var builder = ImmutableSortedDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
            {
                builder[p.Name] = p.Value.Clone();
            }
            properties = builder.ToImmutable();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Identify rows carry traits: the scalar members of the properties object, as text.</summary>
    private static ImmutableSortedDictionary<string, string> Traits(ImmutableSortedDictionary<string, JsonElement> properties) =>
        properties.Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .ToImmutableSortedDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);

    /// <summary>Without a messageId the row's content names it, so importing the same file again changes nothing.</summary>
    private static string DerivedMessageId(CsvDataReader csv, Dictionary<string, int> ordinals)
    {
        var text = string.Join('\u001f', Columns.Select(c => Csv.Text(csv, ordinals[c]) ?? ""));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return "csv-" + Convert.ToHexStringLower(hash[..16]);
    }
}
