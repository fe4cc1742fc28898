using System.Collections.Immutable;
using Nudges = System.Threading.Channels;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// The standalone persisted journey driver. One loop, so no two steps of an instance ever race: it tails the event feed
/// (accepted events, in commit order; IngestQueue nudges it after each commit) to deliver events to waiting instances and
/// to start instances of event-entry journeys, and it wakes instances whose time has come. Each round's states, step
/// log, outbox rows and feed position commit in one transaction, so a crash at any moment replays the round from the
/// last commit: ids derive from (journey, customer, key) and (instance, node, attempt), so nothing starts or sends twice.
/// </summary>
public sealed partial class JourneyDriver(
    IJourneyStore store,
    IProfileStore profiles,
    JourneyCatalog catalog,
    TimeProvider time,
    ThrottlePolicy policy,
    ILogger<JourneyDriver> logger)
{
    private readonly IJourneyStore _store = store;
    private readonly IProfileStore _profiles = profiles;
    private readonly TimeProvider _time = time;
    private readonly ThrottlePolicy _policy = policy;

    public const int BatchSize = 500;

    /// <summary>Caps windows reach back 30 days; the history a step sees covers them.</summary>
    private static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(31);

    private readonly Nudges.Channel<bool> _nudges = Nudges.Channel.CreateBounded<bool>(new Nudges.BoundedChannelOptions(1) { FullMode = Nudges.BoundedChannelFullMode.DropWrite });
    private ImmutableDictionary<Channel, DateTimeOffset> _slots = ImmutableDictionary<Channel, DateTimeOffset>.Empty;
    private long _decisions;
    private long _persistedSteps;

    /// <summary>Called after a round wrote outbox rows (the dispatcher's nudge).</summary>
    public Action? OutboxWritten { get; set; }

    public long Decisions => Interlocked.Read(ref _decisions);

    /// <summary>Instance steps persisted (one external input and its follow-up decisions each).</summary>
    public long PersistedSteps => Interlocked.Read(ref _persistedSteps);

    /// <summary>New events were committed: look at the feed now rather than at the next poll.</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cursor = await _store.FeedCursorAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await catalog.RefreshAsync(force: false, cancellationToken);
                var worked = false;
                var events = await _store.EventsAfterAsync(cursor, BatchSize, cancellationToken);
                if (events.Count > 0)
                {
                    await FeedAsync(events, cancellationToken);
                    cursor = events[^1].Seq;
                    worked = true;
                }
                var due = await _store.DueAsync(_time.GetUtcNow(), BatchSize, cancellationToken);
                if (due.Count > 0)
                {
                    await WakeAsync(due, cancellationToken);
                    worked = true;
                }
                if (!worked)
                {
                    await IdleAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Transient (a busy store, a profile conflict): the round did not commit and is retried from its start.
                LogRoundFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken);
                cursor = await _store.FeedCursorAsync(cancellationToken);
            }
        }
    }

    private async Task IdleAsync(CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        if (await _store.NextWakeAsync(cancellationToken) is { } next)
        {
            var until = next - _time.GetUtcNow();
            wait = until < TimeSpan.Zero ? TimeSpan.Zero : until < wait ? until + TimeSpan.FromMilliseconds(5) : wait;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            if (await _nudges.Reader.WaitToReadAsync(timeout.Token))
            {
                _nudges.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Time to look at the wake times again.
        }
    }

    private async Task FeedAsync(IReadOnlyList<FedEvent> events, CancellationToken cancellationToken)
    {
        var round = await Round.LoadAsync(this, events.Select(e => e.Customer).Distinct().ToList(), cancellationToken);
        foreach (var fed in events)
        {
            var mine = round.InstancesOf(fed.Customer);
            foreach (var stored in mine.ToArray())
            {
                if (catalog.Get(stored.State.JourneyId, stored.State.Version) is { } definition
                    && JourneyEngine.Wants(definition, stored.State, fed.Event)
                    && await round.ProfileAsync(fed.Customer, cancellationToken) is { } profile)
                {
                    round.Step(definition, stored, new EventArrived(fed.Event), profile);
                }
            }
            foreach (var definition in catalog.Latest)
            {
                if (!JourneyAdmission.Triggers(definition, fed.Event) || await round.ProfileAsync(fed.Customer, cancellationToken) is not { } profile
                    || !JourneyAdmission.Eligible(definition, profile, fed.Event, round.Now, _policy))
                {
                    continue;
                }
                var previous = mine.Where(i => i.State.JourneyId == definition.Id)
                    .Select(i => new InstanceSummary(i.State.InstanceId, i.State.BusinessKey, i.State.EnteredAt, i.State.IsFinished)).ToList();
                if (JourneyAdmission.Admit(definition, fed.Customer, fed.Event, round.Now, previous) is Admitted admitted)
                {
                    round.Step(definition, new StoredInstance(admitted.State, null, null), new Started(fed.Event, profile), profile);
                }
            }
        }
        await round.CommitAsync(events[^1].Seq, cancellationToken);
    }

    private async Task WakeAsync(IReadOnlyList<StoredInstance> due, CancellationToken cancellationToken)
    {
        var round = await Round.LoadAsync(this, due.Select(i => i.State.Customer).Distinct().ToList(), cancellationToken);
        foreach (var stored in due)
        {
            var definition = catalog.Get(stored.State.JourneyId, stored.State.Version);
            var profile = await round.ProfileAsync(stored.State.Customer, cancellationToken);
            if (definition is null || profile is null || stored.State.IsFinished)
            {
                // Its definition is gone from the store or the customer was erased: nothing can run it; stop waking it.
                LogCannotRun(logger, stored.State.InstanceId, stored.State.Customer.Value);
                round.Park(stored);
                continue;
            }
            round.Step(definition, stored, JourneyStep.WakeInput(stored.State, profile), profile);
        }
        await round.CommitAsync(null, cancellationToken);
    }

    /// <summary>One round's working set: the customers' instances, profiles and send histories, and what changed.</summary>
    private sealed class Round
    {
        private readonly JourneyDriver _driver;
        private readonly Dictionary<CustomerId, List<StoredInstance>> _instances = [];
        private readonly Dictionary<CustomerId, ImmutableArray<SentMessage>> _history = [];
        private readonly Dictionary<CustomerId, Profile?> _profiles = [];
        private readonly Dictionary<string, StoredInstance> _changed = new(StringComparer.Ordinal);
        private readonly List<StepLogEntry> _log = [];
        private readonly List<OutboxMessage> _outbox = [];
        private readonly List<UpdateProfile> _updates = [];
        private int _steps;

        private Round(JourneyDriver driver, DateTimeOffset now)
        {
            _driver = driver;
            Now = now;
        }

        public DateTimeOffset Now { get; }

        public static async Task<Round> LoadAsync(JourneyDriver driver, IReadOnlyCollection<CustomerId> customers, CancellationToken cancellationToken)
        {
            var round = new Round(driver, driver._time.GetUtcNow());
            foreach (var i in await driver._store.InstancesAsync(customers, cancellationToken))
            {
                round.InstancesOf(i.State.Customer).Add(i);
            }
            foreach (var m in await driver._store.HistoryAsync(customers, round.Now - HistoryWindow, cancellationToken))
            {
                var h = round._history.GetValueOrDefault(m.Customer, []);
                round._history[m.Customer] = h.Add(new SentMessage(m.NotBefore, m.Channel, m.Transactional, m.JourneyId, m.Campaign, m.Offer));
            }
            return round;
        }

        public List<StoredInstance> InstancesOf(CustomerId customer)
        {
            if (!_instances.TryGetValue(customer, out var list))
            {
                _instances[customer] = list = [];
            }
            return list;
        }

        public async Task<Profile?> ProfileAsync(CustomerId customer, CancellationToken cancellationToken)
        {
            if (!_profiles.TryGetValue(customer, out var profile))
            {
                _profiles[customer] = profile = await _driver._profiles.GetAsync(customer, cancellationToken);
            }
            return profile;
        }

        public void Step(JourneyDefinition definition, StoredInstance stored, JourneyInput input, Profile profile)
        {
            var customer = stored.State.Customer;
            var context = new PolicyContext { Policy = _driver._policy, History = _history.GetValueOrDefault(customer, []), NextFreeSlot = _driver._slots };
            var result = JourneyStep.Run(definition, stored.State, input, Now, profile, context);
            _history[customer] = result.Context.History;
            _driver._slots = result.Context.NextFreeSlot;
            foreach (var u in result.Updates)
            {
                profile = JourneyStep.Apply(profile, u, Now);
            }
            _profiles[customer] = profile;
            Replace(stored, result.Stored);
            _log.AddRange(result.Log);
            _outbox.AddRange(result.Sends.Select(s => OutboxMessage.From(s, customer, stored.State.InstanceId, Now)));
            _updates.AddRange(result.Updates);
            Interlocked.Add(ref _driver._decisions, result.Decisions);
            _steps++;
        }

        public void Park(StoredInstance stored) => Replace(stored, stored with { WakeAt = null });

        private void Replace(StoredInstance old, StoredInstance now)
        {
            var list = InstancesOf(now.State.Customer);
            var at = list.FindIndex(i => i.State.InstanceId == now.State.InstanceId);
            if (at >= 0)
            {
                list[at] = now;
            }
            else
            {
                list.Add(now);
            }
            _changed[now.State.InstanceId] = now;
        }

        public async Task CommitAsync(long? cursor, CancellationToken cancellationToken)
        {
            // Profile updates first (setting a tag twice is harmless): a crash before the commit replays them.
            await _driver.ApplyUpdatesAsync(_updates, Now, cancellationToken);
            await _driver._store.SaveAsync(new JourneyChanges([.. _changed.Values], [.. _log], [.. _outbox], cursor), cancellationToken);
            Interlocked.Add(ref _driver._persistedSteps, _steps);
            if (_outbox.Count > 0)
            {
                _driver.OutboxWritten?.Invoke();
            }
        }
    }

    /// <summary>Sets journey tags through the profile store's optimistic save, re-reading on a conflict.</summary>
    private async Task ApplyUpdatesAsync(List<UpdateProfile> updates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var group in updates.Where(u => !u.SetTags.IsEmpty).GroupBy(u => u.Customer))
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await _profiles.GetAsync(group.Key, cancellationToken) is not { } profile)
                {
                    break;
                }
                var updated = group.Aggregate(profile, (p, u) => JourneyStep.Apply(p, u, now));
                var conflicts = await _profiles.SaveAsync([updated], cancellationToken);
                if (conflicts.Count == 0)
                {
                    break;
                }
                if (attempt == 5)
                {
                    throw new InvalidOperationException($"profile {group.Key.Value} kept changing while a journey set its tags");
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Journey round failed; it is retried from its last commit")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} of customer {CustomerId} cannot run (definition or profile missing); parked")]
    private static partial void LogCannotRun(ILogger logger, string instanceId, string customerId);
}
