using System.Globalization;

namespace Lodestar.Functions;

/// <summary>
/// The app's own settings, section <c>Lodestar</c> (app settings <c>Lodestar__WriteKey</c> and so on). The secrets have no
/// defaults: in Azure they come from Key Vault references, locally from local.settings.json.
/// </summary>
public sealed class LodestarSettings
{
    public const string Section = "Lodestar";

    /// <summary>Segment-style write key: HTTP Basic user name on ingest and customer calls.</summary>
    public string? WriteKey { get; set; }

    /// <summary>Shared secret of the mini-program webhook's HMAC-SHA256 signature.</summary>
    public string? MiniProgramSecret { get; set; }

    /// <summary>Base64 of the PII hashing key (at least 32 bytes). Changing it orphans every stored hash.</summary>
    public string? PiiKey { get; set; }

    /// <summary>
    /// SQLite file of the customer store, used when no Cosmos DB endpoint is configured: a scaled-out app would have one
    /// file per instance, so this is for local development and trials on one instance only.
    /// </summary>
    public string? StorePath { get; set; }

    /// <summary>The tenant's UTC offset (<c>+08:00</c>), assumed for source times given without one.</summary>
    public string TenantOffset { get; set; } = "+08:00";

    /// <summary>Every problem, one plain sentence each; <paramref name="requireStorePath"/> is false when Cosmos DB holds the customers.</summary>
    public IReadOnlyList<string> Validate(bool requireStorePath = true)
    {
        var errors = new List<string>();
        Secret(errors, nameof(WriteKey), WriteKey);
        Secret(errors, nameof(MiniProgramSecret), MiniProgramSecret);
        if (IsMissing(PiiKey))
        {
            errors.Add($"{Section}:{nameof(PiiKey)} is required: base64 of at least 32 random bytes.");
        }
        else if (!TryDecodePiiKey(out _))
        {
            errors.Add($"{Section}:{nameof(PiiKey)} must be base64 of at least 32 bytes.");
        }
        if (requireStorePath && IsMissing(StorePath))
        {
            errors.Add($"{Section}:{nameof(StorePath)} is required when Cosmos:accountEndpoint is not set: the SQLite file of the customer store.");
        }
        if (!TryParseOffset(TenantOffset, out _))
        {
            errors.Add($"{Section}:{nameof(TenantOffset)} must be an offset such as +08:00 (between -14:00 and +14:00).");
        }
        return errors;
    }

    public byte[] PiiKeyBytes() => TryDecodePiiKey(out var key) ? key : throw new InvalidOperationException($"{Section}:{nameof(PiiKey)} is not valid.");

    public TimeSpan TenantOffsetValue() => TryParseOffset(TenantOffset, out var offset) ? offset : throw new InvalidOperationException($"{Section}:{nameof(TenantOffset)} is not valid.");

    private bool TryDecodePiiKey(out byte[] key)
    {
        key = [];
        var buffer = new byte[((PiiKey?.Length ?? 0) * 3 / 4) + 3];
        if (PiiKey is null || !Convert.TryFromBase64String(PiiKey.Trim(), buffer, out var written) || written < 32)
        {
            return false;
        }
        key = buffer[..written];
        return true;
    }

    private static void Secret(List<string> errors, string name, string? value)
    {
        if (IsMissing(value))
        {
            errors.Add($"{Section}:{name} is required (at least 16 characters).");
        }
        else if (value!.Trim().Length < 16)
        {
            errors.Add($"{Section}:{name} must be at least 16 characters.");
        }
    }

    /// <summary>Empty, or still the sample's <c>&lt;placeholder&gt;</c>.</summary>
    private static bool IsMissing(string? value) =>
        string.IsNullOrWhiteSpace(value) || (value.TrimStart().StartsWith('<') && value.TrimEnd().EndsWith('>'));

    private static bool TryParseOffset(string? text, out TimeSpan offset)
    {
        offset = default;
        if (text is not { Length: 6 } || (text[0] != '+' && text[0] != '-')
            || !TimeSpan.TryParseExact(text.AsSpan(1), @"hh\:mm", CultureInfo.InvariantCulture, out var magnitude)
            || magnitude > TimeSpan.FromHours(14))
        {
            return false;
        }
        offset = text[0] == '-' ? -magnitude : magnitude;
        return true;
    }
}
