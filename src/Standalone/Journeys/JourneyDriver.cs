using System.Collections.Concurrent;
using System.Collections.Immutable;
using Nudges = System.Threading.Channels;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;

namespace Lodestar.Standalone.Journeys;

/// <summary>How an API entry ended.</summary>
public enum EntryStatus { Started, AlreadyStarted, Refused, NotEligible, UnknownJourney, NotApiEntry, UnknownCustomer }

/// <summary>The answer to an API entry: the instance started (or started before with the same key), or why not.</summary>
public sealed record EntryResult(EntryStatus Status, string? InstanceId, string? Reason);

internal sealed record EntryRequest(string JourneyId, CustomerId Customer, string? BusinessKey, TaskCompletionSource<EntryResult> Done);

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
    private readonly JourneyCatalog _catalog = catalog;
    private readonly TimeProvider _time = time;
    private readonly ThrottlePolicy _policy = policy;

    public const int BatchSize = 500;

    /// <summary>Caps windows reach back 30 days; the history a step sees covers them.</summary>
    private static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(31);

    /// <summary>How often every profile is looked at for segment-entry journeys (members who joined without an event, e.g. by a nightly tier run).</summary>
    public static readonly TimeSpan SegmentScanInterval = TimeSpan.FromMinutes(5);

    private readonly Nudges.Channel<bool> _nudges = Nudges.Channel.CreateBounded<bool>(new Nudges.BoundedChannelOptions(1) { FullMode = Nudges.BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<EntryRequest> _entries = new();
    private ImmutableDictionary<Channel, DateTimeOffset> _slots = ImmutableDictionary<Channel, DateTimeOffset>.Empty;
    private Scan? _scan;
    private long _nextSegmentScan;
    private int _segmentScanRequested;
    private long _decisions;
    private long _persistedSteps;

    /// <summary>Called after a round wrote outbox rows (the dispatcher's nudge).</summary>
    public Action? OutboxWritten { get; set; }

    public long Decisions => Interlocked.Read(ref _decisions);

    /// <summary>Instance steps persisted (one external input and its follow-up decisions each).</summary>
    public long PersistedSteps => Interlocked.Read(ref _persistedSteps);

    /// <summary>New events were committed: look at the feed now rather than at the next poll.</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <summary>Look at every profile for segment-entry journeys now (e.g. after a run changed tiers or segments).</summary>
    public void ScanSegments()
    {
        Interlocked.Exchange(ref _segmentScanRequested, 1);
        Nudge();
    }

    /// <summary>
    /// Enters a customer into an API-entry journey (its latest version). The driver's loop does it, so the instance never
    /// races another step; the answer comes once the instance's start is committed (or refused).
    /// </summary>
    public Task<EntryResult> EnterAsync(string journeyId, CustomerId customer, string? businessKey, CancellationToken cancellationToken)
    {
        var request = new EntryRequest(journeyId, customer, businessKey, new TaskCompletionSource<EntryResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _entries.Enqueue(request);
        Nudge();
        return request.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cursor = await _store.FeedCursorAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _catalog.RefreshAsync(force: false, cancellationToken);
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
                if (!_entries.IsEmpty)
                {
                    await EnterAsync(cancellationToken);
                    worked = true;
                }
                if (await ScanPageAsync(cancellationToken))
                {
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
                FailEntries(e);
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
        var segments = SegmentJourneys();
        foreach (var fed in events)
        {
            var mine = round.InstancesOf(fed.Customer);
            foreach (var stored in mine.ToArray())
            {
                if (_catalog.Get(stored.State.JourneyId, stored.State.Version) is { } definition
                    && JourneyEngine.Wants(definition, stored.State, fed.Event)
                    && await round.ProfileAsync(fed.Customer, cancellationToken) is { } profile)
                {
                    round.Step(definition, stored, new EventArrived(fed.Event), profile);
                }
            }
            foreach (var definition in _catalog.Latest)
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
        // An event may have changed a segment membership (real-time tag rules): look at these customers at once.
        foreach (var customer in segments.Count == 0 ? [] : events.Select(e => e.Customer).Distinct())
        {
            if (await round.ProfileAsync(customer, cancellationToken) is { } profile)
            {
                round.CheckSegments(segments, profile);
            }
        }
        await round.CommitAsync(events[^1].Seq, cancellationToken);
    }

    private List<(JourneyDefinition Definition, SegmentEntry Entry)> SegmentJourneys() =>
        [.. _catalog.Latest.Where(d => d.Entry is SegmentEntry).Select(d => (d, (SegmentEntry)d.Entry))];

    // ---------------------------------------------------------------------------------------- API entries

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        var requests = new List<EntryRequest>();
        while (requests.Count < BatchSize && _entries.TryDequeue(out var r))
        {
            requests.Add(r);
        }
        _inFlight = requests;
        var round = await Round.LoadAsync(this, requests.Select(r => r.Customer).Distinct().ToList(), cancellationToken);
        var results = new EntryResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var definition = _catalog.Latest.FirstOrDefault(d => d.Id == r.JourneyId);
            if (definition is null)
            {
                results[i] = new EntryResult(EntryStatus.UnknownJourney, null, $"no published journey '{r.JourneyId}'");
                continue;
            }
            if (definition.Entry is not ApiEntry)
            {
                results[i] = new EntryResult(EntryStatus.NotApiEntry, null, $"{definition.Key} is not entered by API (its entry is {definition.Entry.GetType().Name.Replace("Entry", "", StringComparison.Ordinal).ToLowerInvariant()})");
                continue;
            }
            if (await round.ProfileAsync(r.Customer, cancellationToken) is not { } profile)
            {
                results[i] = new EntryResult(EntryStatus.UnknownCustomer, null, $"no customer {r.Customer.Value}");
                continue;
            }
            if (!JourneyAdmission.Eligible(definition, profile, null, round.Now, _policy))
            {
                results[i] = new EntryResult(EntryStatus.NotEligible, null, "the entry condition does not hold for this customer");
                continue;
            }
            results[i] = round.Enter(definition, profile, null, round.Now, r.BusinessKey) switch
            {
                Admitted a => new EntryResult(EntryStatus.Started, a.State.InstanceId, null),
                Refused { Reason: JourneyAdmission.AlreadyStarted } => new EntryResult(EntryStatus.AlreadyStarted,
                    r.BusinessKey is { } key ? JourneyIds.Instance(definition.Id, r.Customer, key) : null, null),
                Refused refused => new EntryResult(EntryStatus.Refused, null, refused.Reason),
                _ => throw new InvalidOperationException("unknown admission"),
            };
        }
        await round.CommitAsync(null, cancellationToken);
        _inFlight = null;
        for (var i = 0; i < requests.Count; i++)
        {
            requests[i].Done.TrySetResult(results[i]);
        }
    }

    private List<EntryRequest>? _inFlight;

    /// <summary>A failed round answers its entry requests with the failure (the API says "retry").</summary>
    private void FailEntries(Exception e)
    {
        foreach (var r in Interlocked.Exchange(ref _inFlight, null) ?? [])
        {
            r.Done.TrySetException(e);
        }
    }

    // ---------------------------------------------------------------------------------------- segment and schedule entries

    /// <summary>A pass over every profile, a page per loop turn (so events and wakes keep flowing): for segment entries, or one schedule tick.</summary>
    private sealed record Scan(JourneyDefinition? Scheduled, DateTimeOffset Tick, string After);

    private const int ScanPage = 500;

    /// <summary>Starts a scan when one is due, and runs one page of the current scan. False when there was nothing to do.</summary>
    private async Task<bool> ScanPageAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_scan is null)
        {
            _scan = await NextScanAsync(now, cancellationToken);
            if (_scan is null)
            {
                return false;
            }
        }
        var scan = _scan;
        var page = await _store.ProfilesAfterAsync(scan.After, ScanPage, cancellationToken);
        var round = await Round.LoadAsync(this, [.. page.Select(p => p.Id)], cancellationToken);
        var segments = scan.Scheduled is null ? SegmentJourneys() : [];
        foreach (var profile in page)
        {
            round.Known(profile);
            if (scan.Scheduled is { } definition)
            {
                // The audience is evaluated before anyone starts; the tick instant is the entry key, so a tick replayed
                // after a crash finds the instances it started and starts nothing twice.
                if (JourneyAdmission.Eligible(definition, profile, null, round.Now, _policy))
                {
                    round.Enter(definition, profile, null, scan.Tick, null);
                }
            }
            else
            {
                round.CheckSegments(segments, profile);
            }
        }
        var finished = page.Count < ScanPage;
        if (finished && scan.Scheduled is { } scheduled)
        {
            round.Tick(new ScheduleTick(scheduled.Id, NextTick((ScheduleEntry)scheduled.Entry, scan.Tick, now)));
        }
        await round.CommitAsync(null, cancellationToken);
        _scan = finished ? null : scan with { After = page[^1].Id.Value };
        return true;
    }

    private async Task<Scan?> NextScanAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var scheduled = _catalog.Latest.Where(d => d.Entry is ScheduleEntry).ToList();
        if (scheduled.Count > 0)
        {
            var ticks = (await _store.TicksAsync(cancellationToken)).ToDictionary(t => t.JourneyId, t => t.Next, StringComparer.Ordinal);
            var first = new List<ScheduleTick>();
            foreach (var definition in scheduled)
            {
                if (!ticks.TryGetValue(definition.Id, out var next))
                {
                    first.Add(new ScheduleTick(definition.Id, FirstTick((ScheduleEntry)definition.Entry, now)));
                }
                else if (next <= now)
                {
                    return new Scan(definition, next, "");
                }
            }
            if (first.Count > 0)
            {
                await _store.SaveAsync(new JourneyChanges([], [], []) { Ticks = [.. first] }, cancellationToken);
            }
        }
        var requested = Interlocked.Exchange(ref _segmentScanRequested, 0) == 1;
        var clock = Environment.TickCount64;
        if (_catalog.Latest.Any(d => d.Entry is SegmentEntry) && (requested || clock >= Volatile.Read(ref _nextSegmentScan)))
        {
            Volatile.Write(ref _nextSegmentScan, clock + (long)SegmentScanInterval.TotalMilliseconds);
            return new Scan(null, now, "");
        }
        return null;
    }

    /// <summary>The first tick of a newly seen schedule: its next local time <see cref="ScheduleEntry.At"/> (tenant zone).</summary>
    private DateTimeOffset FirstTick(ScheduleEntry entry, DateTimeOffset now)
    {
        var zone = _policy.TenantZone;
        var today = LocalTime.At(ProfileDates.LocalDate(now, zone), entry.At, zone);
        return today >= now ? today : LocalTime.At(ProfileDates.LocalDate(now, zone).AddDays(1), entry.At, zone);
    }

    /// <summary>The tick after <paramref name="tick"/>; ticks missed while the host was down are not made up (one catch-up tick ran).</summary>
    private static DateTimeOffset NextTick(ScheduleEntry entry, DateTimeOffset tick, DateTimeOffset now)
    {
        var next = tick + entry.Every;
        if (next <= now)
        {
            next += entry.Every * Math.Ceiling((now - next) / entry.Every);
            if (next <= now)
            {
                next += entry.Every;
            }
        }
        return next;
    }

    private async Task WakeAsync(IReadOnlyList<StoredInstance> due, CancellationToken cancellationToken)
    {
        var round = await Round.LoadAsync(this, due.Select(i => i.State.Customer).Distinct().ToList(), cancellationToken);
        foreach (var stored in due)
        {
            var definition = _catalog.Get(stored.State.JourneyId, stored.State.Version);
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
        private readonly HashSet<(string Journey, CustomerId Customer)> _members = [];
        private readonly List<SegmentMember> _memberChanges = [];
        private readonly List<ScheduleTick> _ticks = [];
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
            if (driver._catalog.Latest.Any(d => d.Entry is SegmentEntry))
            {
                foreach (var m in await driver._store.MembersAsync(customers, cancellationToken))
                {
                    round._members.Add((m.JourneyId, m.Customer));
                }
            }
            return round;
        }

        /// <summary>A profile read elsewhere (a scan page): no second read.</summary>
        public void Known(Profile profile) => _profiles.TryAdd(profile.Id, profile);

        public void Tick(ScheduleTick tick) => _ticks.Add(tick);

        /// <summary>Admits and starts an instance if the re-entry rules let the customer in; the admission either way.</summary>
        public Admission Enter(JourneyDefinition definition, Profile profile, CustomerEvent? trigger, DateTimeOffset entryAt, string? businessKey)
        {
            var previous = InstancesOf(profile.Id).Where(i => i.State.JourneyId == definition.Id)
                .Select(i => new InstanceSummary(i.State.InstanceId, i.State.BusinessKey, i.State.EnteredAt, i.State.IsFinished)).ToList();
            var admission = JourneyAdmission.Admit(definition, profile.Id, trigger, entryAt, previous, businessKey);
            if (admission is Admitted admitted)
            {
                Step(definition, new StoredInstance(admitted.State, null, null), new Started(trigger, profile), profile);
            }
            return admission;
        }

        /// <summary>Segment-entry journeys: a customer who joined the segment since the driver last looked enters; one who left is forgotten.</summary>
        public void CheckSegments(List<(JourneyDefinition Definition, SegmentEntry Entry)> segments, Profile profile)
        {
            foreach (var (definition, entry) in segments)
            {
                var member = JourneyAdmission.InSegment(profile, entry.Segment);
                if (member == _members.Contains((definition.Id, profile.Id)))
                {
                    continue;
                }
                _memberChanges.Add(new SegmentMember(definition.Id, profile.Id, member));
                if (member)
                {
                    _members.Add((definition.Id, profile.Id));
                    if (JourneyAdmission.Eligible(definition, profile, null, Now, _driver._policy))
                    {
                        Enter(definition, profile, null, Now, null);
                    }
                }
                else
                {
                    _members.Remove((definition.Id, profile.Id));
                }
            }
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
            await _driver._store.SaveAsync(new JourneyChanges([.. _changed.Values], [.. _log], [.. _outbox], cursor) { Members = [.. _memberChanges], Ticks = [.. _ticks] }, cancellationToken);
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
