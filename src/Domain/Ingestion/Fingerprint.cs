using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Events;

namespace Lodestar.Ingestion;

/// <summary>
/// Content fingerprints for duplicate detection: the same content under a new message id is a duplicate when the
/// timestamp is equal, a near duplicate when it falls in the same or a neighbouring window (double submits, SDK retries
/// that minted a new id).
/// </summary>
public static class Fingerprint
{
    public static readonly TimeSpan NearWindow = TimeSpan.FromSeconds(2);

    public static string Content(CustomerEvent e)
    {
        var sb = new StringBuilder(256);
        sb.Append((int)e.Type).Append('|').Append(e.Name).Append('|');
        foreach (var id in e.Ids.Select(i => i.GraphKey).Order(StringComparer.Ordinal))
        {
            sb.Append(id).Append(',');
        }
        sb.Append('|');
        foreach (var (k, v) in e.Properties)
        {
            sb.Append(k).Append('=').Append(v.GetRawText()).Append(';');
        }
        foreach (var (k, v) in e.Traits)
        {
            sb.Append(k).Append(':').Append(v).Append(';');
        }
        if (e.Order is { } o)
        {
            sb.Append(JsonSerializer.Serialize(o, DomainJson.Options));
        }
        if (e.Contact is { } c)
        {
            sb.Append(JsonSerializer.Serialize(c, DomainJson.Options));
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()), hash);
        return Convert.ToHexStringLower(hash[..12]);
    }

    public static string Exact(string content, DateTimeOffset at) => $"x:{content}:{at.UtcTicks}";

    public static string Near(string content, long window) => $"n:{content}:{window}";

    public static long Window(DateTimeOffset at) => at.UtcTicks / NearWindow.Ticks;
}
