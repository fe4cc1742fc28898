using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lodestar.Simulation;

/// <summary>
/// A small mutable, ordered JSON object for building request bodies: members keep their insertion order, as a client
/// library writes them. Values are strings, numbers (int, long, decimal), booleans, nested objects or lists of objects.
/// Far lighter than JsonNode for the hundred thousand bodies of a shop.
/// </summary>
internal sealed class JsonBody
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<KeyValuePair<string, object?>> _members = new(8);

    public object? this[string key]
    {
        get
        {
            var i = IndexOf(key);
            return i < 0 ? null : _members[i].Value;
        }
        set
        {
            var i = IndexOf(key);
            if (i < 0)
            {
                _members.Add(new(key, value));
            }
            else
            {
                _members[i] = new(key, value);
            }
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public void Remove(string key)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            _members.RemoveAt(i);
        }
    }

    public JsonBody Clone()
    {
        var copy = new JsonBody();
        foreach (var (key, value) in _members)
        {
            copy._members.Add(new(key, value switch
            {
                JsonBody o => o.Clone(),
                List<JsonBody> list => list.Select(o => o.Clone()).ToList(),
                _ => value,
            }));
        }
        return copy;
    }

    [ThreadStatic]
    private static (System.Buffers.ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    public string ToJson()
    {
        // One buffer and writer per thread: a shop serialises a hundred thousand bodies.
        var (buffer, writer) = _scratch ??= NewScratch();
        buffer.ResetWrittenCount();
        writer.Reset();
        Write(writer);
        writer.Flush();
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static (System.Buffers.ArrayBufferWriter<byte>, Utf8JsonWriter) NewScratch()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer, WriterOptions));
    }

    private void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in _members)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case JsonBody o:
                o.Write(writer);
                break;
            case List<JsonBody> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    item.Write(writer);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"unsupported JSON value {value.GetType()}");
        }
    }

    private int IndexOf(string key)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            if (string.Equals(_members[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
