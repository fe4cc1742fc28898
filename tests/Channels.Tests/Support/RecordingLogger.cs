using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lodestar.Tests.Channels.Support;

/// <summary>Keeps every formatted log line with its structured values, so tests can show no address or token is logged.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        Lines.Enqueue($"{logLevel} {formatter(state, exception)} [{values}] {exception}");
    }

    public string All => string.Join("\n", Lines);
}
