using Azure.Core;
using Lodestar.Journeys;
using Lodestar.Messaging.Acs;
using Lodestar.Messaging.MiniProgram;
using Lodestar.Messaging.Push;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Messaging;

/// <summary>Registration of the real channel adapters from configuration.</summary>
public static class ChannelServiceCollectionExtensions
{
    public const string SectionName = "Channels";

    /// <summary>
    /// Registers one <see cref="IChannelSender"/> for each channel configured under <c>Channels</c>:
    /// <c>Email</c> (ACS), <c>Sms</c> (ACS), <c>Push</c> (Notification Hubs), <c>MiniProgram</c>. A channel without a
    /// section gets no sender (the host keeps its default for it). All settings are validated here, at start-up.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration; only its <c>Channels</c> section is read.</param>
    /// <param name="credential">The Entra credential for ACS endpoints without a connection string; by default the
    /// user-assigned identity named by <c>ClientId</c>, else <see cref="Azure.Identity.DefaultAzureCredential"/>.</param>
    /// <exception cref="ChannelConfigurationException">Some configured channel's settings are unusable; the message lists them all.</exception>
    public static IServiceCollection AddChannelSenders(this IServiceCollection services, IConfiguration configuration, TokenCredential? credential = null)
    {
        var root = configuration.GetSection(SectionName);
        var email = Bind<AcsEmailOptions>(root, "Email");
        var sms = Bind<AcsSmsOptions>(root, "Sms");
        var push = Bind<NotificationHubsOptions>(root, "Push");
        var miniProgram = Bind<MiniProgramOptions>(root, "MiniProgram");

        var errors = new List<string>();
        errors.AddRange(email?.Validate() ?? []);
        errors.AddRange(sms?.Validate() ?? []);
        errors.AddRange(push?.Validate() ?? []);
        errors.AddRange(miniProgram?.Validate() ?? []);
        if (errors.Count > 0)
        {
            throw new ChannelConfigurationException(errors);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ChannelHttp>();
        if (email is not null)
        {
            var connection = AcsConnection.From(email.Endpoint, email.ConnectionString, email.ClientId, credential);
            services.AddSingleton<IChannelSender>(sp => new AcsEmailSender(email, connection, Http(sp), Clock(sp), LoggerFor<AcsEmailSender>(sp)));
        }
        if (sms is not null)
        {
            var connection = AcsConnection.From(sms.Endpoint, sms.ConnectionString, sms.ClientId, credential);
            services.AddSingleton<IChannelSender>(sp => new AcsSmsSender(sms, connection, Http(sp), Clock(sp), LoggerFor<AcsSmsSender>(sp)));
        }
        if (push is not null)
        {
            services.AddSingleton<IChannelSender>(sp => new NotificationHubsSender(push, Http(sp), Clock(sp), LoggerFor<NotificationHubsSender>(sp)));
        }
        if (miniProgram is not null)
        {
            services.AddSingleton<IChannelSender>(sp => new MiniProgramSender(miniProgram, Http(sp), Clock(sp), LoggerFor<MiniProgramSender>(sp)));
        }
        return services;
    }

    /// <summary>The channels <see cref="AddChannelSenders"/> would register for <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<Channel> ConfiguredChannels(IConfiguration configuration)
    {
        var root = configuration.GetSection(SectionName);
        return [.. new (string Name, Channel Channel)[] { ("Email", Channel.Email), ("Sms", Channel.Sms), ("Push", Channel.Push), ("MiniProgram", Channel.MiniProgram) }
            .Where(c => root.GetSection(c.Name).Exists())
            .Select(c => c.Channel)];
    }

    private static T? Bind<T>(IConfigurationSection root, string name) where T : class, new()
    {
        var section = root.GetSection(name);
        if (!section.Exists())
        {
            return null;
        }
        var options = new T();
        section.Bind(options);
        return options;
    }

    private static HttpClient Http(IServiceProvider sp) => sp.GetRequiredService<ChannelHttp>().Client;

    private static TimeProvider Clock(IServiceProvider sp) => sp.GetRequiredService<TimeProvider>();

    private static ILogger<T> LoggerFor<T>(IServiceProvider sp) =>
        sp.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}

/// <summary>The <c>Channels</c> settings are unusable: every problem, each naming its setting.</summary>
public sealed class ChannelConfigurationException(IReadOnlyList<string> problems)
    : Exception("Channel settings are not usable:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
