using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>
/// The journey engine: one pure, deterministic and total function from (definition, state, input, now, policy) to the
/// new state, the commands to perform and the step log lines. It reads no clock and draws no random number, so the
/// Durable orchestrator may replay it, the standalone driver may persist after every step, and the simulator may run
/// millions of steps. An input that makes no sense for the state is a logged no-op, never an exception.
/// </summary>
public static class JourneyEngine
{
    /// <summary>Nodes one decision may pass without waiting; validation forbids loops without a wait, this bounds the rest.</summary>
    public const int MaxStepsPerDecision = 256;

    public static Decision Decide(JourneyDefinition definition, JourneyState state, JourneyInput input, DateTimeOffset now, PolicyContext policy)
    {
        var step = new Step(definition, state with { Steps = state.Steps + 1 }, now, policy);
        step.Handle(input);
        return step.Result();
    }

    /// <summary>
    /// Whether a driver should deliver <paramref name="e"/> to this instance: it may end it (an exit event, a consent
    /// withdrawal), reach its goal, or resume its wait. Other events need not be delivered (they would be ignored).
    /// </summary>
    public static bool Wants(JourneyDefinition definition, JourneyState state, CustomerEvent e)
    {
        if (state.IsFinished || state.Status == JourneyStatus.Created)
        {
            return false;
        }
        foreach (var f in definition.Exit.Events)
        {
            if (f.Matches(e, definition.BusinessKey, state.BusinessKey))
            {
                return true;
            }
        }
        if (!definition.Exit.ConsentWithdrawn.IsDefaultOrEmpty && IsConsentEvent(e))
        {
            return true;
        }
        if (definition.Goal is { } goal && state.GoalReachedAt is null && goal.Event.Matches(e, definition.BusinessKey, state.BusinessKey))
        {
            return true;
        }
        return state.Status == JourneyStatus.WaitingForEvent && definition.Node(state.Node) is WaitForEventNode w
            && w.Event.Matches(e, definition.BusinessKey, state.BusinessKey);
    }

    private static bool IsConsentEvent(CustomerEvent e) =>
        e.Type == EventType.Track && string.Equals(e.Name, ConsentEvent.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>One decision's working set. Not shared; lives for one call.</summary>
    private sealed class Step(JourneyDefinition definition, JourneyState state, DateTimeOffset now, PolicyContext policy)
    {
        private static readonly IReadOnlyList<SentMessage> NoneSent = [];

        private JourneyState _state = state;
        private JourneyCommand[]? _commands;
        private int _commandCount;
        private StepLogEntry[]? _log;
        private int _logCount;
        private List<SentMessage>? _sent;

        public Decision Result() => new(_state, Freeze(_commands, _commandCount), Freeze(_log, _logCount));

        /// <summary>An exact-size copy handed over as an immutable array without a second copy.</summary>
        private static ImmutableArray<T> Freeze<T>(T[]? items, int count)
        {
            if (items is null || count == 0)
            {
                return [];
            }
            if (items.Length != count)
            {
                Array.Resize(ref items, count);
            }
            return ImmutableCollectionsMarshal.AsImmutableArray(items);
        }

        private static void Append<T>(ref T[]? items, ref int count, T item)
        {
            items ??= new T[4];
            if (count == items.Length)
            {
                Array.Resize(ref items, count * 2);
            }
            items[count++] = item;
        }

        public void Handle(JourneyInput input)
        {
            if (definition.Id != _state.JourneyId || definition.Version != _state.Version)
            {
                Log(null, StepOutcome.Ignored, $"definition {definition.Key} is not the instance's {_state.JourneyId}@{_state.Version}; input ignored");
                return;
            }
            if (input is SendResult result)
            {
                OnSendResult(result);
                return;
            }
            if (_state.IsFinished)
            {
                Log(_state.Node, StepOutcome.Ignored, $"{Describe(input)} ignored: the instance has already {(_state.Status == JourneyStatus.Completed ? "completed" : "exited")} ({_state.Reason})");
                return;
            }
            switch (input)
            {
                case Started started:
                    if (_state.Status != JourneyStatus.Created)
                    {
                        Log(_state.Node, StepOutcome.Ignored, "start ignored: the instance has already started");
                        return;
                    }
                    Start(started);
                    return;
                case TimerFired:
                    OnTimer();
                    return;
                case WaitTimedOut:
                    if (_state.Status == JourneyStatus.WaitingForEvent && _state.Wait is { } wait)
                    {
                        if (now >= wait.Until)
                        {
                            TimeOut();
                        }
                        else
                        {
                            StillWaiting(wait);
                        }
                        return;
                    }
                    Log(_state.Node, StepOutcome.Ignored, "time-out ignored: the instance is not waiting for an event");
                    return;
                case EventArrived arrived:
                    OnEvent(arrived.Event);
                    return;
                case ProfileSnapshot snapshot:
                    if (_state.Status == JourneyStatus.AwaitingProfile)
                    {
                        Resume(snapshot.Profile);
                    }
                    else if (_state.Status != JourneyStatus.Created && WithdrawnConsent(snapshot.Profile) is { } key)
                    {
                        Finish(exited: true, $"consent withdrawn: {key}");
                    }
                    else
                    {
                        Log(_state.Node, StepOutcome.Ignored, "profile noted; the instance is not waiting for it");
                    }
                    return;
                default:
                    Log(_state.Node, StepOutcome.Ignored, $"unknown input {input?.GetType().Name ?? "null"} ignored");
                    return;
            }
        }

        // ------------------------------------------------------------------ inputs

        private void Start(Started started)
        {
            var trigger = started.Trigger;
            var enteredAt = trigger is not null && trigger.Timestamp <= now ? trigger.Timestamp : now;
            var facts = _state.Trigger;
            if (trigger is not null && !definition.TriggerPaths.IsEmpty)
            {
                var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                foreach (var path in definition.TriggerPaths)
                {
                    if (EventPath.Read(trigger, path) is { } value)
                    {
                        builder[path] = value;
                    }
                }
                facts = builder.ToImmutable();
            }
            var key = _state.BusinessKey ?? (definition.BusinessKey is { } p && trigger is not null ? EventPath.Read(trigger, p) : null);
            _state = _state with { EnteredAt = enteredAt, Trigger = facts, BusinessKey = key, Status = JourneyStatus.AwaitingProfile };
            Log(null, StepOutcome.Started, trigger is null
                ? $"entered {definition.Name} (v{definition.Version})"
                : $"entered {definition.Name} (v{definition.Version}) on {trigger.Name ?? trigger.Type.ToString()}{(key is null ? "" : $" ({key})")}");
            var zone = LocalTime.ZoneOf(started.Profile, policy.Policy);
            if (definition.Entry.When is { } when && !JourneyConditions.Holds(when, new ConditionScope(started.Profile, facts, now, zone)))
            {
                Log(null, StepOutcome.NotEligible, "the entry condition does not hold for this customer");
                Finish(exited: true, "entry condition not met");
                return;
            }
            RunFrom(definition.Start, started.Profile);
        }

        private void OnTimer()
        {
            if (_state.Wait is not { } wait || _state.Status is not (JourneyStatus.WaitingForTime or JourneyStatus.WaitingForEvent))
            {
                Log(_state.Node, StepOutcome.Ignored, "timer ignored: the instance is not waiting for a time");
                return;
            }
            if (now < wait.Until)
            {
                StillWaiting(wait);
                return;
            }
            if (_state.Status == JourneyStatus.WaitingForEvent)
            {
                TimeOut();
                return;
            }
            if (PastMaxDuration())
            {
                return;
            }
            var node = definition.Node(_state.Node);
            string? next = wait.Deferred ? _state.Node : node switch
            {
                DelayNode d => d.Next,
                WaitUntilNode w => w.Next,
                _ => null,
            };
            Log(_state.Node, StepOutcome.Resumed, wait.Deferred ? "the held-back send is due" : $"the wait until {Local(wait.Until)} is over");
            AwaitProfile(next);
        }

        private void TimeOut()
        {
            if (PastMaxDuration())
            {
                return;
            }
            var node = definition.Node(_state.Node) as WaitForEventNode;
            Log(_state.Node, StepOutcome.TimedOut, node is null ? "the wait timed out" : $"no {node.Event.Describe()} within {JourneyText.Duration(node.Timeout)}");
            AwaitProfile(node?.OnTimeout);
        }

        private void OnEvent(CustomerEvent e)
        {
            if (_state.Status == JourneyStatus.Created)
            {
                Log(null, StepOutcome.Ignored, $"event {e.Name} ignored: the instance has not started");
                return;
            }
            if (e.Timestamp < _state.EnteredAt)
            {
                Log(_state.Node, StepOutcome.Ignored, $"event {e.Name} ignored: it happened before entry");
                return;
            }
            var goalMatched = false;
            if (definition.Goal is { } goal && _state.GoalReachedAt is null && goal.Event.Matches(e, definition.BusinessKey, _state.BusinessKey))
            {
                goalMatched = true;
                if (e.Timestamp <= _state.EnteredAt + goal.Within)
                {
                    _state = _state with { GoalReachedAt = e.Timestamp };
                    Log(_state.Node, StepOutcome.GoalReached, $"goal reached: {e.Name} {JourneyText.Duration(Round(e.Timestamp - _state.EnteredAt))} after entry");
                }
            }
            foreach (var f in definition.Exit.Events)
            {
                if (f.Matches(e, definition.BusinessKey, _state.BusinessKey))
                {
                    Finish(exited: true, $"exit event: {e.Name}");
                    return;
                }
            }
            if (!definition.Exit.ConsentWithdrawn.IsDefaultOrEmpty && IsConsentEvent(e)
                && ConsentEvent.TryRead(e.Properties, out var key, out var granted) && !granted && IsExitConsentKey(key))
            {
                Finish(exited: true, $"consent withdrawn: {key}");
                return;
            }
            if (_state.Status == JourneyStatus.WaitingForEvent && _state.Wait is { } wait && definition.Node(_state.Node) is WaitForEventNode w
                && w.Event.Matches(e, definition.BusinessKey, _state.BusinessKey))
            {
                if (e.Timestamp > wait.Until)
                {
                    TimeOut();
                    return;
                }
                Log(_state.Node, StepOutcome.EventMatched, $"{e.Name} arrived");
                AwaitProfile(w.OnEvent);
                return;
            }
            if (!goalMatched)
            {
                Log(_state.Node, StepOutcome.Ignored, $"event {e.Name} does not concern this step");
            }
        }

        private void OnSendResult(SendResult result)
        {
            if (_state.LastSend is { } last && last.MessageId == result.MessageId)
            {
                Log(last.Node, result.Outcome == SendOutcome.Delivered ? StepOutcome.Delivered : StepOutcome.DeliveryFailed,
                    $"{last.Channel.Name()} message {result.Outcome.ToString().ToLowerInvariant()}{(result.Detail is null ? "" : ": " + result.Detail)}");
                return;
            }
            Log(_state.Node, StepOutcome.Ignored, $"result {result.Outcome} for message {result.MessageId}, which is not this instance's latest");
        }

        private void Resume(Profile profile)
        {
            if (WithdrawnConsent(profile) is { } key)
            {
                Finish(exited: true, $"consent withdrawn: {key}");
                return;
            }
            RunFrom(_state.Node, profile);
        }

        // ------------------------------------------------------------------ the walk

        private void RunFrom(string? nodeId, Profile profile)
        {
            var zone = LocalTime.ZoneOf(profile, policy.Policy);
            for (var steps = 0; steps < MaxStepsPerDecision; steps++)
            {
                if (nodeId is null)
                {
                    Finish(exited: false, "reached the end of the journey");
                    return;
                }
                if (PastMaxDuration())
                {
                    return;
                }
                var node = definition.Node(nodeId);
                switch (node)
                {
                    case DelayNode d:
                        WaitForTime(d.Id, now + d.Duration, $"waiting {JourneyText.Duration(d.Duration)}");
                        return;
                    case WaitUntilNode w:
                        var target = WaitSchedule.Next(w, profile, now, zone);
                        if (target is null)
                        {
                            if (w.OnMissing is null)
                            {
                                Finish(exited: true, $"the profile has no upcoming {w.Date?.Trait ?? "date"}");
                                return;
                            }
                            Log(w.Id, StepOutcome.Branched, $"the profile has no upcoming {w.Date?.Trait ?? "date"}: on to {w.OnMissing}");
                            nodeId = w.OnMissing;
                            continue;
                        }
                        if (target <= now)
                        {
                            nodeId = w.Next;
                            continue;
                        }
                        WaitForTime(w.Id, target.Value, $"waiting until {JourneyText.Instant(TimeZoneInfo.ConvertTime(target.Value, zone))}");
                        return;
                    case WaitForEventNode e:
                        var until = Clamp(now + e.Timeout);
                        _state = _state with { Status = JourneyStatus.WaitingForEvent, Node = e.Id, Wait = new PendingWait(until), DeferredSince = null };
                        Command(new WaitForEvent(e.Event, until));
                        Log(e.Id, StepOutcome.Waiting, $"waiting up to {JourneyText.Duration(e.Timeout)} for {e.Event.Describe()}");
                        return;
                    case BranchNode b:
                        var holds = JourneyConditions.Holds(b.If, new ConditionScope(profile, _state.Trigger, now, zone));
                        Log(b.Id, StepOutcome.Branched, holds ? "condition holds: then" : "condition does not hold: else");
                        nodeId = holds ? b.Then : b.Else;
                        continue;
                    case MultiSplitNode m:
                        nodeId = m.Default;
                        var chosen = "default";
                        foreach (var c in m.Cases)
                        {
                            if (JourneyConditions.Holds(c.If, new ConditionScope(profile, _state.Trigger, now, zone)))
                            {
                                nodeId = c.Next;
                                chosen = c.Name;
                                break;
                            }
                        }
                        Log(m.Id, StepOutcome.Branched, $"case {chosen}");
                        continue;
                    case RandomSplitNode r:
                        var arm = Arm(r);
                        if (arm is null)
                        {
                            Log(r.Id, StepOutcome.Branched, "arm holdout (control group: nothing more is sent)");
                            if (r.HoldoutNext is null)
                            {
                                Finish(exited: true, "control holdout");
                                return;
                            }
                            nodeId = r.HoldoutNext;
                            continue;
                        }
                        Log(r.Id, StepOutcome.Branched, $"arm {arm.Name}");
                        nodeId = arm.Next;
                        continue;
                    case SendNode s:
                        if (!Send(s, profile, zone))
                        {
                            return;
                        }
                        nodeId = s.Next;
                        continue;
                    case UpdateProfileNode u:
                        Command(new UpdateProfile(_state.Customer, u.SetTags, u.RecordOffer, definition.Id));
                        if (!u.SetTags.IsEmpty)
                        {
                            var tags = profile.Tags;
                            foreach (var (tag, value) in u.SetTags)
                            {
                                tags = tags.SetItem(tag, new TagValue(value, "journey", now));
                            }
                            profile = profile with { Tags = tags };
                        }
                        Log(u.Id, StepOutcome.ProfileUpdated, string.Join(", ", u.SetTags.Select(t => $"tag {t.Key}={t.Value}")
                            .Concat(u.RecordOffer is null ? [] : [$"offer {u.RecordOffer} recorded"])));
                        nodeId = u.Next;
                        continue;
                    case GoalNode g:
                        if (_state.GoalReachedAt is null)
                        {
                            _state = _state with { GoalReachedAt = now };
                            Log(g.Id, StepOutcome.GoalReached, $"goal reached: {g.Name}");
                        }
                        nodeId = g.Next;
                        continue;
                    case ExitNode x:
                        _state = _state with { Node = x.Id };
                        Finish(exited: true, x.Reason);
                        return;
                    default:
                        Finish(exited: true, $"node {nodeId} does not exist in {definition.Key}");
                        return;
                }
            }
            Finish(exited: true, $"more than {MaxStepsPerDecision} steps without a wait");
        }

        /// <summary>Asks the policy; true when the walk goes on (sent or suppressed), false when the send is held back.</summary>
        private bool Send(SendNode s, Profile profile, TimeZoneInfo zone)
        {
            var verdict = SendPolicy.Evaluate(s, definition, profile, policy, now, zone, _state.DeferredSince, (IReadOnlyList<SentMessage>?)_sent ?? NoneSent);
            switch (verdict)
            {
                case SendAllowed ok:
                    var attempt = _state.SendAttempts.GetValueOrDefault(s.Id) + 1;
                    var messageId = JourneyIds.Message(_state.InstanceId, s.Id, attempt);
                    Command(new Send(messageId, ok.Channel, s.Template, ok.Offer, _state.Customer, JourneyIds.IdempotencyKey(_state.InstanceId, s.Id, attempt),
                        s.Transactional, ok.NotBefore, definition.Id, definition.CampaignId, s.Id));
                    (_sent ??= []).Add(new SentMessage(ok.NotBefore, ok.Channel, s.Transactional, definition.Id, definition.CampaignId, ok.Offer));
                    _state = _state with
                    {
                        SendAttempts = _state.SendAttempts.SetItem(s.Id, attempt),
                        LastSend = new LastSend(messageId, s.Id, ok.Channel),
                        DeferredSince = null,
                        Wait = null,
                    };
                    Log(s.Id, StepOutcome.Sent, $"{ok.Channel.Name()} {s.Template}{(ok.Offer is null ? "" : " with offer " + ok.Offer)}"
                        + (ok.NotBefore > now ? $", rate slot {Local(ok.NotBefore)}" : "") + (ok.Note is null ? "" : $" ({ok.Note})"));
                    return true;
                case SendSuppressed no:
                    _state = _state with { DeferredSince = null, Wait = null };
                    Log(s.Id, StepOutcome.Suppressed, $"{s.Channel.Name()} {s.Template} not sent: {no.Detail}; the journey goes on", no.Reason);
                    return true;
                case SendDeferred later:
                    var until = Clamp(later.Until);
                    _state = _state with
                    {
                        Status = JourneyStatus.WaitingForTime,
                        Node = s.Id,
                        Wait = new PendingWait(until, Deferred: true),
                        DeferredSince = _state.DeferredSince ?? now,
                    };
                    Command(new WaitUntil(until));
                    Log(s.Id, StepOutcome.Deferred, later.Detail, later.Reason);
                    return false;
                default:
                    Log(s.Id, StepOutcome.Suppressed, "the policy gave no verdict; not sent");
                    return true;
            }
        }

        private SplitArm? Arm(RandomSplitNode r)
        {
            var total = r.HoldoutWeight;
            foreach (var a in r.Arms)
            {
                total += a.Weight;
            }
            var point = JourneyIds.Bucket(definition.Id, r.Id, _state.Customer) * total;
            foreach (var a in r.Arms)
            {
                if (point < a.Weight)
                {
                    return a;
                }
                point -= a.Weight;
            }
            return r.HoldoutWeight > 0 || r.Arms.IsEmpty ? null : r.Arms[^1];
        }

        // ------------------------------------------------------------------ helpers

        private void WaitForTime(string nodeId, DateTimeOffset until, string detail)
        {
            until = Clamp(until);
            _state = _state with { Status = JourneyStatus.WaitingForTime, Node = nodeId, Wait = new PendingWait(until), DeferredSince = null };
            Command(new WaitUntil(until));
            Log(nodeId, StepOutcome.Waiting, detail);
        }

        private void StillWaiting(PendingWait wait)
        {
            Log(_state.Node, StepOutcome.Ignored, $"woken early; still waiting until {Local(wait.Until)}");
            Command(_state.Status == JourneyStatus.WaitingForEvent && definition.Node(_state.Node) is WaitForEventNode w
                ? new WaitForEvent(w.Event, wait.Until)
                : new WaitUntil(wait.Until));
        }

        private void AwaitProfile(string? next)
        {
            if (next is null)
            {
                _state = _state with { Wait = null };
                Finish(exited: false, "reached the end of the journey");
                return;
            }
            _state = _state with { Status = JourneyStatus.AwaitingProfile, Node = next, Wait = null };
            Command(new FetchProfile(_state.Customer));
        }

        /// <summary>No wait outlives the instance's maximum duration: it wakes at the deadline instead, and exits.</summary>
        private DateTimeOffset Clamp(DateTimeOffset until)
        {
            var deadline = _state.EnteredAt + definition.MaxDuration;
            return until > deadline ? deadline : until;
        }

        private bool PastMaxDuration()
        {
            if (now < _state.EnteredAt + definition.MaxDuration)
            {
                return false;
            }
            Finish(exited: true, $"maximum duration of {JourneyText.Duration(definition.MaxDuration)} reached");
            return true;
        }

        private string? WithdrawnConsent(Profile profile)
        {
            foreach (var channel in definition.Exit.ConsentWithdrawn)
            {
                var key = channel.ConsentKey(transactional: false);
                if (profile.Consent.TryGetValue(key, out var consent) && !consent.Granted && consent.At >= _state.EnteredAt)
                {
                    return key;
                }
            }
            return null;
        }

        private bool IsExitConsentKey(string key)
        {
            foreach (var channel in definition.Exit.ConsentWithdrawn)
            {
                if (channel.ConsentKey(transactional: false) == key)
                {
                    return true;
                }
            }
            return false;
        }

        private void Finish(bool exited, string reason)
        {
            _state = _state with
            {
                Status = exited ? JourneyStatus.Exited : JourneyStatus.Completed,
                Reason = reason,
                Wait = null,
                DeferredSince = null,
            };
            Command(exited ? new Exit(reason) : new Complete(reason));
            Log(_state.Node, exited ? StepOutcome.Exited : StepOutcome.Completed, reason);
        }

        private void Command(JourneyCommand command) => Append(ref _commands, ref _commandCount, command);

        private void Log(string? node, StepOutcome outcome, string detail, string? reason = null) =>
            Append(ref _log, ref _logCount, new StepLogEntry(now, _state.InstanceId, node, outcome, detail, reason));

        private static string Local(DateTimeOffset at) => JourneyText.Instant(at);

        private static TimeSpan Round(TimeSpan t) => TimeSpan.FromMinutes(Math.Round(t.TotalMinutes));

        private static string Describe(JourneyInput input) => input switch
        {
            Started => "start",
            TimerFired => "timer",
            EventArrived e => $"event {e.Event.Name}",
            WaitTimedOut => "time-out",
            ProfileSnapshot => "profile",
            _ => input?.GetType().Name ?? "null input",
        };
    }
}
