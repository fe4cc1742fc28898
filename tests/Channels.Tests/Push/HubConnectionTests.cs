using Lodestar.Messaging.Push;

namespace Lodestar.Tests.Channels.Push;

public sealed class HubConnectionTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";

    [Fact]
    public void Parse_SbEndpoint_HttpsNamespaceAndKeyName()
    {
        var connection = HubConnection.Parse($"Endpoint=sb://lodestar-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}");

        Assert.Equal(Uri.UriSchemeHttps, connection.Endpoint.Scheme);
        Assert.Equal("lodestar-ns.servicebus.windows.net", connection.Endpoint.Host);
        Assert.Equal("send", connection.KeyName);
    }

    [Theory]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=x", "Endpoint")]
    [InlineData("Endpoint=sb://lodestar-ns.servicebus.windows.net/;SharedAccessKey=x", "SharedAccessKeyName")]
    public void TryParse_Incomplete_ProblemNamesThePart(string connectionString, string part)
    {
        Assert.False(HubConnection.TryParse(connectionString, out _, out var problem));
        Assert.Contains(part, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SasToken_CarriesEncodedLowerCaseResourceExpiryAndKeyName()
    {
        var connection = HubConnection.Parse($"Endpoint=sb://Lodestar-NS.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}");
        var expires = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

        var token = connection.SasToken(new Uri("https://Lodestar-NS.servicebus.windows.net/Hub"), expires);

        Assert.StartsWith("SharedAccessSignature sr=" + Uri.EscapeDataString("https://lodestar-ns.servicebus.windows.net/hub") + "&sig=", token, StringComparison.Ordinal);
        Assert.Contains("&se=" + expires.ToUnixTimeSeconds() + "&", token, StringComparison.Ordinal);
        Assert.EndsWith("&skn=send", token, StringComparison.Ordinal);
    }
}
