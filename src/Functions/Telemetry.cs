using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lodestar.Functions;

/// <summary>
/// OpenTelemetry from the worker (host.json <c>"telemetryMode": "OpenTelemetry"</c>), exported to Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. The exporter authenticates with the app's managed identity
/// (<c>AZURE_CLIENT_ID</c> names the user-assigned one), so the resource's local authentication can stay disabled.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            otel.UseAzureMonitorExporter(o => o.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"],
            }));
        }
        return services;
    }
}
