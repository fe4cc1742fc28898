using Lodestar.Messaging;
using Lodestar.Messaging.Acs;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Acs;

/// <summary>With an endpoint and a credential (no connection string) the senders authenticate with an Entra token.</summary>
public sealed class AcsEntraTests
{
    [Fact]
    public async Task Send_EndpointWithCredential_BearerTokenForTheCommunicationScopeOverTls()
    {
        using var tls = new LoopbackTls();
        await using var fake = await AcsSmsFake.StartAsync(tls.Certificate, bearerToken: "entra-token-for-tests");
        using var http = tls.CreateClient();
        var credential = new RecordingCredential("entra-token-for-tests");
        var options = new AcsSmsOptions { Endpoint = fake.Service.BaseUri.AbsoluteUri, From = "+18005550100" };
        Assert.Empty(options.Validate());
        var sender = new AcsSmsSender(options, AcsConnection.WithCredential(fake.Service.BaseUri, credential), http, TimeProvider.System,
            new RecordingLogger<AcsSmsSender>());

        var receipt = await sender.SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Empty(fake.Service.Violations);
        Assert.StartsWith("https://", fake.Service.BaseUri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(["https://communication.azure.com//.default"], credential.Requests.First());
        var request = fake.Service.Requests.Single();
        Assert.Null(request.Header("x-ms-content-sha256"));
    }
}
