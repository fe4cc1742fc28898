using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>
/// One simulated customer: their profile when the simulation starts, the events they produce during it (in time order)
/// and, when known, their hourly activity (for send-time optimisation).
/// </summary>
public sealed record SimulationCustomer(Profile Profile, ImmutableArray<CustomerEvent> Events, ActivityHistogram? Activity = null);

/// <summary>The simulated period and the rules in force.</summary>
public sealed record SimulationOptions
{
    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public ThrottlePolicy Policy { get; init; } = ThrottlePolicy.Default;

    /// <summary>How an event changes a profile (the ingest fold by default; add real-time tag rules if they matter).</summary>
    public Func<Profile, CustomerEvent, Profile> Fold { get; init; } = ProfileFold.Apply;

    /// <summary>Whether a profile is in a segment: tag <c>segment:&lt;id&gt;</c> = true, or the tier tag equal to the id.</summary>
    public Func<Profile, string, bool> InSegment { get; init; } = DefaultInSegment;

    /// <summary>Messages sent before the start, per customer (they count towards caps and offers).</summary>
    public ImmutableDictionary<CustomerId, ImmutableArray<SentMessage>> PriorSends { get; init; } = ImmutableDictionary<CustomerId, ImmutableArray<SentMessage>>.Empty;

    /// <summary>Keep every instance's step log in the report (for tests and small runs).</summary>
    public bool KeepLog { get; init; }

    /// <summary>
    /// Called with the arguments of every <see cref="JourneyEngine.Decide"/> call, before it is made (state, input, now,
    /// policy context): a benchmark replays them to time the engine alone.
    /// </summary>
    public Action<JourneyState, JourneyInput, DateTimeOffset, PolicyContext>? Recorder { get; init; }

    public static bool DefaultInSegment(Profile profile, string segment) =>
        (profile.Tags.TryGetValue("segment:" + segment, out var tag) && tag.Value == "true")
        || (profile.Tags.TryGetValue("tier", out var tier) && tier.Value == segment);
}

/// <summary>A message the simulation sent: <see cref="At"/> is its rate slot, <see cref="Local"/> the same instant in the customer's zone.</summary>
public sealed record SimulatedSend(CustomerId Customer, string InstanceId, string Node, DateTimeOffset At, DateTimeOffset Local, Channel Channel, string Template, string? Offer, bool Transactional);

/// <summary>What a simulation saw. Counts are keyed by node id, channel name, reason or "node/arm", sorted.</summary>
public sealed record SimulationReport
{
    public required string JourneyId { get; init; }
    public required int Version { get; init; }
    public required int Customers { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
    /// <summary>Instances started.</summary>
    public int Entered { get; init; }
    /// <summary>Entries refused by re-entry rules (duplicates, cool-down, used keys).</summary>
    public ImmutableSortedDictionary<string, int> Refused { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    /// <summary>Instances that reached each node.</summary>
    public ImmutableSortedDictionary<string, int> NodeCounts { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    public ImmutableSortedDictionary<string, int> SendsByChannel { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    public ImmutableSortedDictionary<string, int> SuppressionsByReason { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    public ImmutableSortedDictionary<string, int> DeferralsByReason { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    /// <summary>Customers per random-split arm, keyed "node/arm" (arm "holdout" for the control group).</summary>
    public ImmutableSortedDictionary<string, int> SplitArms { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    /// <summary>How instances ended, keyed "completed: reason" or "exited: reason".</summary>
    public ImmutableSortedDictionary<string, int> Outcomes { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    public int GoalConversions { get; init; }
    /// <summary>Instances still waiting when the simulation ended.</summary>
    public int StillActive { get; init; }
    public long Decisions { get; init; }
    public ImmutableArray<SimulatedSend> Sends { get; init; } = [];
    /// <summary>Every instance's step log, when <see cref="SimulationOptions.KeepLog"/> was set.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<StepLogEntry>> Logs { get; init; } = ImmutableSortedDictionary<string, ImmutableArray<StepLogEntry>>.Empty;
    public ImmutableArray<JourneyState> FinalStates { get; init; } = [];
}

/// <summary>
/// Runs a journey over a population with a fake clock: a priority queue of wake-up times and the customers' events,
/// processed in time order (ties in arrival order), each decision applied as a driver would apply it. Pure and
/// deterministic: the same definition, population and options give the same report.
/// </summary>
public static class JourneySimulator
{
    public static SimulationReport Run(JourneyDefinition definition, IReadOnlyList<SimulationCustomer> population, SimulationOptions options) =>
        new Simulation(definition, population, options).Run();

    private enum Kind { Event, Timer, Timeout, Tick }

    private readonly record struct Item(Kind Kind, int Customer, int Index, int Generation);

    private sealed class Instance(JourneyState state)
    {
        public JourneyState State { get; set; } = state;
        public int Generation { get; set; }
        public HashSet<string> Reached { get; } = new(StringComparer.Ordinal);
        public ImmutableArray<StepLogEntry>.Builder? Log { get; set; }
    }

    private sealed class Person(SimulationCustomer customer, ImmutableArray<SentMessage> prior)
    {
        public Profile Profile { get; set; } = customer.Profile;
        public ImmutableArray<CustomerEvent> Events { get; } = customer.Events.IsDefault ? [] : customer.Events;
        public ActivityHistogram? Activity { get; } = customer.Activity;
        public ImmutableArray<SentMessage> History { get; set; } = prior.IsDefault ? [] : prior;
        public List<Instance> Instances { get; } = [];
        public bool InSegment { get; set; }
    }

    private sealed class Simulation(JourneyDefinition definition, IReadOnlyList<SimulationCustomer> population, SimulationOptions options)
    {
        private readonly PriorityQueue<Item, (DateTimeOffset, long)> _queue = new();
        private readonly Person[] _people = [.. population.Select(c => new Person(c, options.PriorSends.GetValueOrDefault(c.Profile.Id)))];
        private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _nodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _channels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _suppressed = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _deferred = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _arms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
        private readonly ImmutableArray<SimulatedSend>.Builder _sends = ImmutableArray.CreateBuilder<SimulatedSend>();
        private readonly Queue<JourneyInput> _followUps = new();
        private ImmutableDictionary<Channel, DateTimeOffset> _slots = ImmutableDictionary<Channel, DateTimeOffset>.Empty;
        private long _seq;
        private long _decisions;
        private int _entered;

        public SimulationReport Run()
        {
            for (var c = 0; c < _people.Length; c++)
            {
                EnqueueNextEvent(c, 0);
            }
            switch (definition.Entry)
            {
                case ApiEntry:
                    for (var c = 0; c < _people.Length; c++)
                    {
                        TryEnter(c, null, options.Start);
                    }
                    break;
                case SegmentEntry segment:
                    for (var c = 0; c < _people.Length; c++)
                    {
                        _people[c].InSegment = options.InSegment(_people[c].Profile, segment.Segment);
                        if (_people[c].InSegment)
                        {
                            TryEnter(c, null, options.Start);
                        }
                    }
                    break;
                case ScheduleEntry schedule:
                    var zone = options.Policy.TenantZone;
                    var first = LocalTime.At(ProfileDates.LocalDate(options.Start, zone), schedule.At, zone);
                    Enqueue(first < options.Start ? first + TimeSpan.FromDays(1) : first, new Item(Kind.Tick, -1, 0, 0));
                    break;
            }
            while (_queue.TryDequeue(out var item, out var priority))
            {
                var now = priority.Item1;
                if (now > options.End)
                {
                    break;
                }
                switch (item.Kind)
                {
                    case Kind.Event:
                        OnEvent(item.Customer, item.Index);
                        break;
                    case Kind.Tick:
                        OnTick(now);
                        break;
                    default:
                        var instance = _people[item.Customer].Instances[item.Index];
                        if (instance.Generation == item.Generation && !instance.State.IsFinished)
                        {
                            Apply(item.Customer, instance, item.Kind == Kind.Timer ? TimerFired.Instance : WaitTimedOut.Instance, now);
                        }
                        break;
                }
            }
            return Report();
        }

        private void EnqueueNextEvent(int c, int index)
        {
            var events = _people[c].Events;
            // Events before the start are history (already in the profile): skip them.
            while (index < events.Length && events[index].Timestamp < options.Start)
            {
                index++;
            }
            if (index < events.Length)
            {
                Enqueue(events[index].Timestamp, new Item(Kind.Event, c, index, 0));
            }
        }

        private void Enqueue(DateTimeOffset at, Item item) => _queue.Enqueue(item, (at, _seq++));

        private void OnEvent(int c, int index)
        {
            var person = _people[c];
            var e = person.Events[index];
            var now = e.Timestamp;
            person.Profile = options.Fold(person.Profile, e);
            foreach (var instance in person.Instances.ToArray())
            {
                if (JourneyEngine.Wants(definition, instance.State, e))
                {
                    Apply(c, instance, new EventArrived(e), now);
                }
            }
            switch (definition.Entry)
            {
                case EventEntry when JourneyAdmission.Triggers(definition, e):
                    TryEnter(c, e, now);
                    break;
                case SegmentEntry segment:
                    var member = options.InSegment(person.Profile, segment.Segment);
                    if (member && !person.InSegment)
                    {
                        TryEnter(c, null, now);
                    }
                    person.InSegment = member;
                    break;
            }
            EnqueueNextEvent(c, index + 1);
        }

        private void OnTick(DateTimeOffset now)
        {
            var schedule = (ScheduleEntry)definition.Entry;
            for (var c = 0; c < _people.Length; c++)
            {
                // The audience is evaluated before anyone starts: customers the entry condition excludes are not entered.
                if (JourneyAdmission.Eligible(definition, _people[c].Profile, null, now, options.Policy))
                {
                    TryEnter(c, null, now);
                }
            }
            Enqueue(now + schedule.Every, new Item(Kind.Tick, -1, 0, 0));
        }

        private void TryEnter(int c, CustomerEvent? trigger, DateTimeOffset now)
        {
            var person = _people[c];
            if (definition.Entry is not ScheduleEntry && !JourneyAdmission.Eligible(definition, person.Profile, trigger, now, options.Policy))
            {
                Count(_refused, "entry condition not met");
                return;
            }
            var previous = person.Instances.Select(i => new InstanceSummary(i.State.InstanceId, i.State.BusinessKey, i.State.EnteredAt, i.State.IsFinished)).ToList();
            switch (JourneyAdmission.Admit(definition, person.Profile.Id, trigger, now, previous))
            {
                case Admitted admitted:
                    var instance = new Instance(admitted.State) { Log = options.KeepLog ? ImmutableArray.CreateBuilder<StepLogEntry>() : null };
                    person.Instances.Add(instance);
                    _entered++;
                    Apply(c, instance, new Started(trigger, person.Profile), now);
                    break;
                case Refused refused:
                    Count(_refused, refused.Reason.StartsWith("in cool-down", StringComparison.Ordinal) ? "in cool-down" : refused.Reason);
                    break;
            }
        }

        /// <summary>Decides, then performs the commands as a driver would; profile reads and send results are answered at once.</summary>
        private void Apply(int c, Instance instance, JourneyInput input, DateTimeOffset now)
        {
            var person = _people[c];
            var index = person.Instances.IndexOf(instance);
            _followUps.Enqueue(input);
            while (_followUps.TryDequeue(out var next))
            {
                var context = new PolicyContext { Policy = options.Policy, History = person.History, Activity = person.Activity, NextFreeSlot = _slots };
                options.Recorder?.Invoke(instance.State, next, now, context);
                var decision = JourneyEngine.Decide(definition, instance.State, next, now, context);
                _decisions++;
                instance.State = decision.State;
                Record(instance, decision.Log);
                foreach (var command in decision.Commands)
                {
                    switch (command)
                    {
                        case WaitUntil w:
                            Enqueue(w.At, new Item(Kind.Timer, c, index, ++instance.Generation));
                            break;
                        case WaitForEvent w:
                            Enqueue(w.Until, new Item(Kind.Timeout, c, index, ++instance.Generation));
                            break;
                        case FetchProfile:
                            _followUps.Enqueue(new ProfileSnapshot(person.Profile));
                            break;
                        case Send s:
                            person.History = person.History.Add(new SentMessage(s.NotBefore, s.Channel, s.Transactional, s.JourneyId, s.Campaign, s.Offer));
                            _slots = _slots.SetItem(s.Channel, SendRate.After(s.NotBefore, s.Channel, options.Policy));
                            _sends.Add(new SimulatedSend(person.Profile.Id, instance.State.InstanceId, s.Node, s.NotBefore,
                                TimeZoneInfo.ConvertTime(s.NotBefore, LocalTime.ZoneOf(person.Profile, options.Policy)), s.Channel, s.Template, s.Offer, s.Transactional));
                            Count(_channels, s.Channel.Name());
                            _followUps.Enqueue(new SendResult(s.MessageId, SendOutcome.Delivered));
                            break;
                        case UpdateProfile u:
                            var tags = person.Profile.Tags;
                            foreach (var (tag, value) in u.SetTags)
                            {
                                tags = tags.SetItem(tag, new TagValue(value, "journey", now));
                            }
                            person.Profile = person.Profile with { Tags = tags };
                            break;
                        case Complete done:
                            Count(_outcomes, "completed: " + done.Reason);
                            break;
                        case Exit exit:
                            Count(_outcomes, "exited: " + exit.Reason);
                            break;
                    }
                }
            }
        }

        private void Record(Instance instance, ImmutableArray<StepLogEntry> log)
        {
            foreach (var entry in log)
            {
                instance.Log?.Add(entry);
                switch (entry.Outcome)
                {
                    case StepOutcome.Suppressed:
                        Count(_suppressed, entry.Reason ?? "unspecified");
                        break;
                    case StepOutcome.Deferred:
                        Count(_deferred, entry.Reason ?? "unspecified");
                        break;
                    case StepOutcome.Branched when definition.Node(entry.Node) is RandomSplitNode:
                        var arm = entry.Detail.StartsWith("arm ", StringComparison.Ordinal) ? entry.Detail[4..].Split(' ')[0] : entry.Detail;
                        Count(_arms, $"{entry.Node}/{arm}");
                        break;
                }
                if (entry.Node is { } node && entry.Outcome is not (StepOutcome.Ignored or StepOutcome.Delivered or StepOutcome.DeliveryFailed or StepOutcome.Resumed
                    or StepOutcome.Completed or StepOutcome.Exited or StepOutcome.EventMatched or StepOutcome.TimedOut) && instance.Reached.Add(node))
                {
                    Count(_nodes, node);
                }
                if (entry.Outcome == StepOutcome.Exited && definition.Node(entry.Node) is ExitNode && entry.Node is { } exitNode && instance.Reached.Add(exitNode))
                {
                    Count(_nodes, exitNode);
                }
            }
        }

        private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

        private SimulationReport Report()
        {
            var instances = _people.SelectMany(p => p.Instances).ToList();
            return new SimulationReport
            {
                JourneyId = definition.Id,
                Version = definition.Version,
                Customers = _people.Length,
                Start = options.Start,
                End = options.End,
                Entered = _entered,
                Refused = Sorted(_refused),
                NodeCounts = Sorted(_nodes),
                SendsByChannel = Sorted(_channels),
                SuppressionsByReason = Sorted(_suppressed),
                DeferralsByReason = Sorted(_deferred),
                SplitArms = Sorted(_arms),
                Outcomes = Sorted(_outcomes),
                GoalConversions = instances.Count(i => i.State.GoalReachedAt is not null),
                StillActive = instances.Count(i => !i.State.IsFinished),
                Decisions = _decisions,
                Sends = _sends.ToImmutable(),
                Logs = options.KeepLog
                    ? instances.ToImmutableSortedDictionary(i => i.State.InstanceId, i => i.Log!.ToImmutable(), StringComparer.Ordinal)
                    : ImmutableSortedDictionary<string, ImmutableArray<StepLogEntry>>.Empty,
                FinalStates = [.. instances.Select(i => i.State)],
            };
        }

        private static ImmutableSortedDictionary<string, int> Sorted(Dictionary<string, int> counts) => counts.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }
}
