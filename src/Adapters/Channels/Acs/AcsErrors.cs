using System.Text.Json;
using Azure;

namespace Lodestar.Messaging.Acs;

/// <summary>Reads the code of an ACS error answer (<c>x-ms-error-code</c>, else <c>error.code</c> of the body).</summary>
internal static class AcsErrors
{
    public static string? CodeOf(Response response)
    {
        if (response.Headers.TryGetValue("x-ms-error-code", out var header) && !string.IsNullOrWhiteSpace(header))
        {
            return header;
        }
        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether a 400's code blames the recipient (an invalid or unknown address) rather than the request.</summary>
    public static bool IsAboutRecipient(string? code) =>
        code is not null && (code.Contains("Recipient", StringComparison.OrdinalIgnoreCase) || code.Contains("Address", StringComparison.OrdinalIgnoreCase));
}
