namespace Lodestar.Standalone.Journeys;

/// <summary>Runs the journey driver and the outbox dispatcher for as long as the host serves.</summary>
public sealed class JourneyService(JourneyDriver driver, OutboxDispatcher dispatcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => driver.RunAsync(stoppingToken), stoppingToken), Task.Run(() => dispatcher.RunAsync(stoppingToken), stoppingToken));
}
