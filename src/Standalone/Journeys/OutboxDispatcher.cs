using System.Text;
using System.Text.Json;
using Nudges = System.Threading.Channels;
using Lodestar.Engagement;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;

namespace Lodestar.Standalone.Journeys;

/// <summary>One delivered message as the standalone outbox sender writes it: the recipient masked, never raw PII.</summary>
public sealed record OutboxLine(
    string Key,
    string MessageId,
    string Channel,
    string Template,
    string? Offer,
    bool Transactional,
    string Journey,
    string Campaign,
    string Node,
    string Customer,
    string? Recipient,
    DateTimeOffset NotBefore,
    DateTimeOffset CreatedAt,
    DateTimeOffset SentAt,
    string Status = "accepted",
    string? ProviderMessageId = null,
    string? Reason = null);

/// <summary>
/// Delivers each outbox row exactly once to the standalone "outbox sender": one JSON line per message in
/// <c>&lt;data&gt;/outbox/&lt;channel&gt;.jsonl</c>. A row is marked sent only after its line is flushed to disk; on start the
/// files' keys are read back (a torn last line is cut off), so a row whose line was written before a crash but not yet
/// marked is marked without being written again. Where a real channel adapter is configured (<see cref="Delivery"/>) the row
/// goes to the provider first and its line records the receipt; a crash before the line is written sends it again with the
/// same message id, which the provider's idempotency (ACS repeatability headers) turns into one message. Every send is
/// recorded in the delivery ledger (<see cref="Ledger"/>) that delivery reports and campaign metrics read.
/// </summary>
public sealed partial class OutboxDispatcher(IJourneyStore store, IProfileStore profiles, string folder, TimeProvider time, ILogger<OutboxDispatcher> logger)
{
    public const int BatchSize = 1_000;

    private readonly Nudges.Channel<bool> _nudges = Nudges.Channel.CreateBounded<bool>(new Nudges.BoundedChannelOptions(1) { FullMode = Nudges.BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<Channel, FileStream> _files = [];
    private long _delivered;

    public string Folder { get; } = folder;

    /// <summary>The real channel adapters, for the channels that have one configured; null: every channel goes to the files.</summary>
    public ChannelDelivery? Delivery { get; init; }

    /// <summary>Where sends are recorded for delivery reports and campaign metrics.</summary>
    public IDeliveryLedger? Ledger { get; init; }

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Called after each delivered batch with its lines (latency measurements hook here).</summary>
    public Action<IReadOnlyList<OutboxLine>>? Sent { get; set; }

    public void Nudge() => _nudges.Writer.TryWrite(true);

    public static string FileFor(string folder, Channel channel) => Path.Combine(folder, channel.Name() + ".jsonl");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        foreach (var channel in Channels.All)
        {
            foreach (var key in RecoverKeys(FileFor(Folder, channel)))
            {
                _written.Add(key);
            }
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var batch = await store.UnsentAsync(time.GetUtcNow(), BatchSize, cancellationToken);
                    if (batch.Count == 0)
                    {
                        await IdleAsync(cancellationToken);
                        continue;
                    }
                    await DeliverAsync(batch, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    LogFailed(logger, e);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                }
            }
        }
        finally
        {
            foreach (var f in _files.Values)
            {
                await f.DisposeAsync();
            }
            _files.Clear();
        }
    }

    private async Task IdleAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Rows held back by a rate slot become due without a nudge: poll often.
        timeout.CancelAfter(TimeSpan.FromMilliseconds(100));
        try
        {
            if (await _nudges.Reader.WaitToReadAsync(timeout.Token))
            {
                _nudges.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lines = new List<OutboxLine>(batch.Count);
        var records = new List<SentMessageRecord>(batch.Count);
        var touched = new HashSet<Channel>();
        foreach (var m in batch)
        {
            var profile = await profiles.GetAsync(m.Customer, cancellationToken);
            if (_written.Contains(m.IdempotencyKey))
            {
                // written before a crash, not yet marked: mark it below, never write (or send) it twice
                records.Add(SentMessageRecord.From(m, DeliveryReceipt.Accepted(null), now, profile));
                continue;
            }
            var receipt = Delivery is { } delivery && delivery.Handles(m.Channel)
                ? await delivery.SendAsync(m, profile, cancellationToken)
                : DeliveryReceipt.Accepted(null);
            var line = new OutboxLine(m.IdempotencyKey, m.MessageId, m.Channel.Name(), m.Template, m.Offer, m.Transactional, m.JourneyId, m.Campaign,
                m.Node, m.Customer.Value, MaskedRecipient(profile, m.Channel), m.NotBefore, m.CreatedAt, now,
                receipt.Status.ToString().ToLowerInvariant(), receipt.ProviderMessageId, receipt.Reason);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(line, DomainJson.Options);
            var file = File(m.Channel);
            await file.WriteAsync(bytes, cancellationToken);
            file.WriteByte((byte)'\n');
            touched.Add(m.Channel);
            lines.Add(line);
            records.Add(SentMessageRecord.From(m, receipt, now, profile));
            _written.Add(m.IdempotencyKey);
        }
        foreach (var channel in touched)
        {
            _files[channel].Flush(flushToDisk: true);
        }
        if (Ledger is not null)
        {
            await Ledger.RecordSendsAsync(records, CancellationToken.None);
        }
        await store.MarkSentAsync([.. batch.Select(m => m.IdempotencyKey)], now, CancellationToken.None);
        Interlocked.Add(ref _delivered, lines.Count);
        if (lines.Count > 0)
        {
            Sent?.Invoke(lines);
        }
    }

    private FileStream File(Channel channel)
    {
        if (!_files.TryGetValue(channel, out var file))
        {
            file = new FileStream(FileFor(Folder, channel), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
            _files[channel] = file;
        }
        return file;
    }

    /// <summary>The channel's address as the profile shows it (personal kinds are masked there), else the member id.</summary>
    public static string? MaskedRecipient(Profile? profile, Channel channel)
    {
        if (profile is null)
        {
            return null;
        }
        IdKind[] preferred = channel switch
        {
            Channel.Sms => [IdKind.Phone],
            Channel.Email => [IdKind.Email],
            _ => [IdKind.OpenId, IdKind.UnionId],
        };
        foreach (var kind in preferred.Append(IdKind.Member))
        {
            if (profile.Identities.FirstOrDefault(i => i.Kind == kind) is { } identity)
            {
                return $"{kind.ToString().ToLowerInvariant()}:{identity.Display}";
            }
        }
        return null;
    }

    /// <summary>The keys already in a file; a torn last line (a crash mid-append) is cut off, its row is still unsent.</summary>
    internal static List<string> RecoverKeys(string path)
    {
        var keys = new List<string>();
        if (!System.IO.File.Exists(path))
        {
            return keys;
        }
        var bytes = System.IO.File.ReadAllBytes(path);
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (end < bytes.Length)
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
            f.SetLength(end);
            f.Flush(flushToDisk: true);
        }
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            keys.Add(doc.RootElement.GetProperty("key").GetString()!);
        }
        return keys;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery failed; the batch is retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
