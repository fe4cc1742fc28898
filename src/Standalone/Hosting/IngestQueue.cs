using System.Threading.Channels;
using Lodestar.Cleaning;
using Lodestar.Ingestion;

namespace Lodestar.Standalone.Hosting;

/// <summary>
/// The standalone host's in-process queue. Requests wait here while one writer commits everything queued so far in a
/// single transaction (group commit), so a request returns only after its events are durable, and many concurrent
/// requests share one commit.
/// </summary>
public sealed partial class IngestQueue : IEventSink, IAsyncDisposable
{
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IngestEvents _ingest;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private readonly int _maxBatch;

    private readonly Action? _accepted;

    // accepted: called after a commit that accepted events (the journey driver's nudge); it must not block.
    public IngestQueue(IngestEvents ingest, ILogger<IngestQueue> logger, int maxBatch = 5_000, Action? accepted = null)
    {
        _ingest = ingest;
        _accepted = accepted;
        _logger = logger;
        _maxBatch = maxBatch;
        _writer = Task.Run(WriteLoop);
    }

    private sealed record Pending(IReadOnlyList<CleanResult> Events, TaskCompletionSource<IReadOnlyList<ItemResult>> Done);

    public Task<IReadOnlyList<ItemResult>> AcceptAsync(IReadOnlyList<CleanResult> events, CancellationToken cancellationToken)
    {
        var pending = new Pending(events, new TaskCompletionSource<IReadOnlyList<ItemResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the ingest queue is shut down");
        }
        // The caller may stop waiting, but the events are already on their way to the store: nothing is half-written.
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoop()
    {
        var group = new List<Pending>();
        while (await _channel.Reader.WaitToReadAsync())
        {
            var count = 0;
            while (count < _maxBatch && _channel.Reader.TryRead(out var p))
            {
                group.Add(p);
                count += p.Events.Count;
            }
            await Commit(group);
            group.Clear();
        }
    }

    private async Task Commit(List<Pending> group)
    {
        try
        {
            var all = group.SelectMany(p => p.Events).ToList();
            var report = await _ingest.IngestAsync(all, CancellationToken.None);
            var offset = 0;
            foreach (var p in group)
            {
                p.Done.SetResult(report.Items.Slice(offset, p.Events.Count));
                offset += p.Events.Count;
            }
            LogCommitted(_logger, all.Count, group.Count, report.Accepted, report.Quarantined);
            if (report.Accepted > 0)
            {
                _accepted?.Invoke();
            }
        }
        catch (Exception e)
        {
            LogCommitFailed(_logger, e, group.Count);
            foreach (var p in group)
            {
                p.Done.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Committed {Events} events from {Requests} requests ({Accepted} accepted, {Quarantined} quarantined)")]
    private static partial void LogCommitted(ILogger logger, int events, int requests, int accepted, int quarantined);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Requests} requests failed; nothing of them was stored")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int requests);
}
