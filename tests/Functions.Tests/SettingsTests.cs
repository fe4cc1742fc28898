using System.Reflection;
using System.Text.Json;
using Lodestar.EventHubs;
using Lodestar.Functions;
using Microsoft.Extensions.Configuration;

namespace Lodestar.Tests;

public sealed class SettingsTests
{
    private const string GoodKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes

    private static LodestarSettings Good() => new()
    {
        WriteKey = "wk_0123456789abcdef",
        MiniProgramSecret = "mp_0123456789abcdef",
        PiiKey = GoodKey,
        StorePath = ".lodestar/functions.db",
    };

    private static IConfiguration Config(IEnumerable<KeyValuePair<string, string?>> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value))).Build();

    [Fact]
    public void LodestarSettings_Complete_AreValid()
    {
        var settings = Good();

        Assert.Empty(settings.Validate());
        Assert.Equal(32, settings.PiiKeyBytes().Length);
        Assert.Equal(TimeSpan.FromHours(8), settings.TenantOffsetValue());
    }

    [Theory]
    [InlineData(nameof(LodestarSettings.WriteKey), "", "WriteKey is required")]
    [InlineData(nameof(LodestarSettings.WriteKey), "short", "WriteKey must be at least 16")]
    [InlineData(nameof(LodestarSettings.MiniProgramSecret), "<mini-program signing secret>", "MiniProgramSecret is required")]
    [InlineData(nameof(LodestarSettings.PiiKey), "c2hvcnQ=", "PiiKey must be base64 of at least 32 bytes")]
    [InlineData(nameof(LodestarSettings.PiiKey), "not base64!", "PiiKey must be base64")]
    [InlineData(nameof(LodestarSettings.StorePath), " ", "StorePath is required")]
    [InlineData(nameof(LodestarSettings.TenantOffset), "8", "TenantOffset must be an offset")]
    [InlineData(nameof(LodestarSettings.TenantOffset), "+15:00", "TenantOffset must be an offset")]
    public void LodestarSettings_Bad_NamesTheSetting(string property, string value, string expected)
    {
        var settings = Good();
        typeof(LodestarSettings).GetProperty(property)!.SetValue(settings, value);

        Assert.Contains(settings.Validate(), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EventHubs_BindsTheTriggerSettings_IdentityBased()
    {
        var options = new EventHubsOptions();
        Composition.BindEventHubs(options, Config([
            new("EventHubName", "lodestar-events"),
            new("EventHubConnection__fullyQualifiedNamespace", "lodestar.servicebus.windows.net"),
            new("EventHubConnection__credential", "managedidentity"),
            new("EventHubConnection__clientId", "00000000-0000-0000-0000-000000000001"),
        ]));

        Assert.Equal("lodestar-events", options.EventHubName);
        Assert.Equal("lodestar.servicebus.windows.net", options.FullyQualifiedNamespace);
        Assert.Equal("managedidentity", options.Credential);
        Assert.Equal("00000000-0000-0000-0000-000000000001", options.ClientId);
        Assert.Null(options.ConnectionString);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void EventHubs_KeyedConnectionString_IsRefused_EmulatorIsAccepted()
    {
        var keyed = new EventHubsOptions { EventHubName = "h", ConnectionString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=" };
        var emulator = new EventHubsOptions { EventHubName = "h", ConnectionString = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;" };

        Assert.Contains(keyed.Validate(), e => e.Contains("only for the local Event Hubs emulator", StringComparison.Ordinal));
        Assert.Empty(emulator.Validate());
    }

    [Theory]
    [InlineData(null, "FullyQualifiedNamespace is required")]
    [InlineData("https://ns.servicebus.windows.net/", "must be a host name")]
    [InlineData("localhost", "must be a host name")]
    public void EventHubs_BadNamespace_IsNamed(string? fqns, string expected)
    {
        var options = new EventHubsOptions { EventHubName = "h", FullyQualifiedNamespace = fqns };

        Assert.Contains(options.Validate(), e => e.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>Copying the sample unchanged must not start an app with placeholder secrets.</summary>
    [Fact]
    public void SettingsSample_NamesEverySetting_AndItsPlaceholdersFailValidation()
    {
        var root = typeof(SettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "local.settings.sample.json")));
        var values = doc.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
        var config = Config(values);

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        var settings = config.GetSection(LodestarSettings.Section).Get<LodestarSettings>()!;
        var errors = settings.Validate();
        Assert.Contains(errors, e => e.Contains("WriteKey is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MiniProgramSecret is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("PiiKey is required", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("StorePath", StringComparison.Ordinal) || e.Contains("TenantOffset", StringComparison.Ordinal));
        var eventHubs = new EventHubsOptions();
        Composition.BindEventHubs(eventHubs, config);
        Assert.Equal("lodestar-events", eventHubs.EventHubName);
        Assert.Contains(eventHubs.Validate(), e => e.Contains("FullyQualifiedNamespace", StringComparison.Ordinal));
    }
}
