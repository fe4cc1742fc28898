using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Tags;
using Lodestar.Validation;

namespace Lodestar.Journeys;

/// <summary>What validation checks beyond the format: the template ids that exist (null = templates not checked).</summary>
public sealed record JourneyValidationOptions(IReadOnlySet<string>? KnownTemplates = null)
{
    public static readonly JourneyValidationOptions Default = new();
}

/// <summary>
/// Reads a journey definition from JSON (the format of journeys/journey.schema.json) and validates it: every error is
/// located by its JSON pointer and said plainly. Structure first (types, required fields, unknown fields, channels,
/// durations, times, metrics), then, on a well-formed definition, <see cref="JourneyValidator"/>'s graph and meaning
/// checks (references, reachability, loops without a wait, templates, impossible waits).
/// </summary>
public static class JourneyReader
{
    public static Validated<JourneyDefinition> Parse(string json, JourneyValidationOptions? options = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return Validated<JourneyDefinition>.Fail([new FieldError("", $"not JSON: {e.Message}")]);
        }
        using (doc)
        {
            return Parse(doc.RootElement, options);
        }
    }

    public static Validated<JourneyDefinition> Parse(JsonElement root, JourneyValidationOptions? options = null)
    {
        var reader = new Reader(options ?? JourneyValidationOptions.Default);
        var definition = reader.Definition(root);
        if (reader.Errors.Count > 0 || definition is null)
        {
            return Validated<JourneyDefinition>.Fail([.. reader.Errors.Concat(reader.ValueProblems).OrderBy(e => e.Pointer, PointerOrder.Instance)]);
        }
        var problems = JourneyValidator.Validate(definition, options);
        return problems.Count > 0 ? Validated<JourneyDefinition>.Fail(problems) : Validated<JourneyDefinition>.Ok(definition);
    }

    private sealed class Reader(JourneyValidationOptions options)
    {
        private static readonly string[] CompareOps = ["<", "<=", ">", ">=", "==", "!="];

        /// <summary>Errors that keep a definition from being built.</summary>
        public List<FieldError> Errors { get; } = [];

        /// <summary>
        /// Problems with a value (a negative delay, an unknown template) that the validator finds again on a built
        /// definition; reported here too so that a file with structural errors still lists them.
        /// </summary>
        public List<FieldError> ValueProblems { get; } = [];

        private void Error(string at, string message) => Errors.Add(new FieldError(at, message));

        private void Soft(string at, string message) => ValueProblems.Add(new FieldError(at, message));

        public JourneyDefinition? Definition(JsonElement root)
        {
            if (!Object(root, "", "a journey object",
                "$schema", "id", "version", "name", "description", "campaign", "entry", "businessKey", "reEntry", "exit", "goal", "maxDuration",
                "frequencyCaps", "start", "nodes"))
            {
                return null;
            }
            var before = Errors.Count;
            var id = Id(root, "id", "", required: true);
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1 ? n : 0;
            if (version == 0)
            {
                Error("/version", "expected a whole number of 1 or more");
            }
            var name = Str(root, "name", "", required: true);
            var description = Str(root, "description", "", required: false);
            var campaign = Id(root, "campaign", "", required: false);
            var businessKey = Str(root, "businessKey", "", required: false);
            if (businessKey is not null && !EventPath.IsValid(businessKey))
            {
                Error("/businessKey", $"'{businessKey}' is not an event path; use e.g. properties.cartId");
            }
            var entry = root.TryGetProperty("entry", out var e) ? Entry(e, "/entry") : Missing<JourneyEntry>("/entry", "an entry object");
            var reEntry = root.TryGetProperty("reEntry", out var r) ? ReEntry(r, "/reEntry") : NeverReEnter.Instance;
            var exit = root.TryGetProperty("exit", out var x) ? Exit(x, "/exit") : ExitCriteria.None;
            var goal = root.TryGetProperty("goal", out var g) ? Goal(g, "/goal") : null;
            var maxDuration = Duration(root, "maxDuration", "", required: false) ?? JourneyDefinition.DefaultMaxDuration;
            var caps = root.TryGetProperty("frequencyCaps", out var c) ? Caps(c, "/frequencyCaps") : [];
            var start = Str(root, "start", "", required: true);
            var nodes = root.TryGetProperty("nodes", out var ns) ? Nodes(ns, "/nodes") : Missing<ImmutableArray<JourneyNode>?>("/nodes", "an array of nodes");
            if (Errors.Count > before || entry is null || nodes is null || reEntry is null || exit is null)
            {
                return null;
            }
            var definition = new JourneyDefinition
            {
                Id = id!,
                Version = version,
                Name = name!,
                Description = description,
                Campaign = campaign,
                Entry = entry,
                BusinessKey = businessKey,
                ReEntry = reEntry,
                Exit = exit,
                Goal = goal,
                MaxDuration = maxDuration,
                FrequencyCaps = caps,
                Start = start!,
                Nodes = nodes.Value,
            };
            // "consentWithdrawn": true means every marketing channel the journey sends on.
            if (exit.ConsentWithdrawn.IsDefault)
            {
                definition = definition with { Exit = exit with { ConsentWithdrawn = [.. definition.MarketingChannels] } };
            }
            return definition;
        }

        private T? Missing<T>(string at, string what)
        {
            Error(at, $"required: {what}");
            return default;
        }

        // ------------------------------------------------------------------ entry, re-entry, exit, goal

        private JourneyEntry? Entry(JsonElement el, string at)
        {
            var type = TypeOf(el, at, ["event", "segment", "schedule", "api"]);
            if (type is null)
            {
                return null;
            }
            var before = Errors.Count;
            JourneyEntry? entry;
            switch (type)
            {
                case "event":
                    Object(el, at, "an entry object", "type", "event", "when");
                    var filter = el.TryGetProperty("event", out var f) ? Filter(f, $"{at}/event") : Missing<EventFilter>($"{at}/event", "an event filter");
                    entry = filter is null ? null : new EventEntry(filter);
                    break;
                case "segment":
                    Object(el, at, "an entry object", "type", "segment", "when");
                    var segment = Str(el, "segment", at, required: true);
                    entry = segment is null ? null : new SegmentEntry(segment);
                    break;
                case "schedule":
                    Object(el, at, "an entry object", "type", "every", "at", "when");
                    var every = Duration(el, "every", at, required: true);
                    var time = Time(el, "at", at, required: false) ?? new TimeOnly(9, 0);
                    entry = every is null ? null : new ScheduleEntry(every.Value, time);
                    break;
                default:
                    Object(el, at, "an entry object", "type", "when");
                    entry = new ApiEntry();
                    break;
            }
            var when = el.TryGetProperty("when", out var w) ? Condition(w, $"{at}/when") : null;
            return Errors.Count > before || entry is null ? null : entry with { When = when };
        }

        private ReEntryRule? ReEntry(JsonElement el, string at)
        {
            var type = TypeOf(el, at, ["never", "cooldown", "distinctKey"]);
            switch (type)
            {
                case "never":
                    Object(el, at, "a re-entry object", "type");
                    return NeverReEnter.Instance;
                case "cooldown":
                    Object(el, at, "a re-entry object", "type", "cooldown");
                    return Duration(el, "cooldown", at, required: true) is { } d ? new ReEnterAfter(d) : null;
                case "distinctKey":
                    Object(el, at, "a re-entry object", "type");
                    return ReEnterWithDistinctKey.Instance;
                default:
                    return null;
            }
        }

        private ExitCriteria? Exit(JsonElement el, string at)
        {
            if (!Object(el, at, "an exit object", "events", "consentWithdrawn"))
            {
                return null;
            }
            var events = ImmutableArray<EventFilter>.Empty;
            if (el.TryGetProperty("events", out var list))
            {
                events = Array(list, $"{at}/events", Filter);
            }
            ImmutableArray<Channel> channels = [];
            if (el.TryGetProperty("consentWithdrawn", out var cw))
            {
                if (cw.ValueKind == JsonValueKind.True)
                {
                    channels = default; // filled in with the journey's marketing channels
                }
                else if (cw.ValueKind == JsonValueKind.False)
                {
                    channels = [];
                }
                else if (cw.ValueKind == JsonValueKind.Array)
                {
                    channels = ChannelList(cw, $"{at}/consentWithdrawn");
                }
                else
                {
                    Error($"{at}/consentWithdrawn", "expected true, false or an array of channels");
                }
            }
            return new ExitCriteria(events, channels);
        }

        private JourneyGoal? Goal(JsonElement el, string at)
        {
            if (!Object(el, at, "a goal object", "event", "within"))
            {
                return null;
            }
            var filter = el.TryGetProperty("event", out var f) ? Filter(f, $"{at}/event") : Missing<EventFilter>($"{at}/event", "an event filter");
            var within = Duration(el, "within", at, required: true);
            return filter is null || within is null ? null : new JourneyGoal(filter, within.Value);
        }

        private ImmutableArray<CapRule> Caps(JsonElement el, string at) => Array(el, at, (cap, cat) =>
        {
            if (!Object(cap, cat, "a cap object", "max", "window", "channel"))
            {
                return null;
            }
            var max = cap.TryGetProperty("max", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var n) && n >= 1 ? n : 0;
            if (max == 0)
            {
                Error($"{cat}/max", "expected a whole number of 1 or more");
            }
            var window = Duration(cap, "window", cat, required: true);
            Channel? channel = null;
            if (cap.TryGetProperty("channel", out var ch))
            {
                channel = ChannelOf(ch, $"{cat}/channel");
            }
            return max == 0 || window is null ? null : new CapRule(max, window.Value, channel);
        });

        // ------------------------------------------------------------------ nodes

        private ImmutableArray<JourneyNode>? Nodes(JsonElement el, string at)
        {
            if (el.ValueKind != JsonValueKind.Array || el.GetArrayLength() == 0)
            {
                Error(at, "expected a non-empty array of nodes");
                return null;
            }
            var before = Errors.Count;
            var nodes = Array(el, at, Node);
            return Errors.Count > before ? null : nodes;
        }

        private JourneyNode? Node(JsonElement el, string at)
        {
            var type = TypeOf(el, at, ["delay", "waitUntil", "waitForEvent", "branch", "multiSplit", "randomSplit", "send", "updateProfile", "goal", "exit"]);
            if (type is null)
            {
                return null;
            }
            var before = Errors.Count;
            var id = Id(el, "id", at, required: true);
            JourneyNode? node = null;
            switch (type)
            {
                case "delay":
                {
                    Object(el, at, "a delay node", "id", "type", "label", "duration", "next");
                    var duration = Duration(el, "duration", at, required: true);
                    if (duration is { } d && JourneyValidator.DelayProblem(d) is { } problem)
                    {
                        Soft($"{at}/duration", problem);
                    }
                    node = duration is null ? null : new DelayNode(id!, duration.Value, Ref(el, "next", at));
                    break;
                }
                case "waitUntil":
                {
                    Object(el, at, "a waitUntil node", "id", "type", "label", "at", "days", "window", "date", "next", "onMissing");
                    var time = Time(el, "at", at, required: false);
                    ImmutableArray<DayOfWeek> days = [];
                    if (el.TryGetProperty("days", out var d))
                    {
                        days = Days(d, $"{at}/days");
                    }
                    TimeWindow? window = null;
                    if (el.TryGetProperty("window", out var w) && Object(w, $"{at}/window", "a window object", "from", "to"))
                    {
                        var from = Time(w, "from", $"{at}/window", required: true);
                        var to = Time(w, "to", $"{at}/window", required: true);
                        window = from is null || to is null ? null : new TimeWindow(from.Value, to.Value);
                        if (window is not null && JourneyValidator.WindowProblem(window) is { } problem)
                        {
                            Soft($"{at}/window", problem);
                        }
                    }
                    ProfileDate? date = null;
                    if (el.TryGetProperty("date", out var pd) && Object(pd, $"{at}/date", "a date object", "trait", "offset", "annual"))
                    {
                        var trait = Str(pd, "trait", $"{at}/date", required: true);
                        var offset = Duration(pd, "offset", $"{at}/date", required: false) ?? TimeSpan.Zero;
                        var annual = Bool(pd, "annual", $"{at}/date") ?? false;
                        date = trait is null ? null : new ProfileDate(trait, offset, annual);
                    }
                    if (time is null && days.IsEmpty && window is null && date is null && !el.TryGetProperty("days", out _))
                    {
                        Error(at, "a waitUntil node needs at least one of: at, days, window, date");
                    }
                    if (time is not null && window is not null)
                    {
                        Error($"{at}/window", "give either 'at' or 'window', not both");
                    }
                    node = new WaitUntilNode(id!, time, days, window, date, Ref(el, "next", at), Ref(el, "onMissing", at));
                    break;
                }
                case "waitForEvent":
                {
                    Object(el, at, "a waitForEvent node", "id", "type", "label", "event", "timeout", "onEvent", "onTimeout");
                    var filter = el.TryGetProperty("event", out var f) ? Filter(f, $"{at}/event") : Missing<EventFilter>($"{at}/event", "an event filter");
                    var timeout = Duration(el, "timeout", at, required: true);
                    if (timeout is { } t && JourneyValidator.TimeoutProblem(t) is { } problem)
                    {
                        Soft($"{at}/timeout", problem);
                    }
                    node = filter is null || timeout is null ? null : new WaitForEventNode(id!, filter, timeout.Value, Ref(el, "onEvent", at), Ref(el, "onTimeout", at));
                    break;
                }
                case "branch":
                {
                    Object(el, at, "a branch node", "id", "type", "label", "if", "then", "else");
                    var condition = el.TryGetProperty("if", out var c) ? Condition(c, $"{at}/if") : Missing<JourneyCondition>($"{at}/if", "a condition");
                    node = condition is null ? null : new BranchNode(id!, condition, Ref(el, "then", at), Ref(el, "else", at));
                    break;
                }
                case "multiSplit":
                {
                    Object(el, at, "a multiSplit node", "id", "type", "label", "cases", "default");
                    var cases = el.TryGetProperty("cases", out var cs) && cs.ValueKind == JsonValueKind.Array && cs.GetArrayLength() > 0
                        ? Array(cs, $"{at}/cases", (item, cat) =>
                        {
                            if (!Object(item, cat, "a case object", "name", "if", "next"))
                            {
                                return null;
                            }
                            var cond = item.TryGetProperty("if", out var ci) ? Condition(ci, $"{cat}/if") : Missing<JourneyCondition>($"{cat}/if", "a condition");
                            var caseName = Str(item, "name", cat, required: false) ?? cat[(cat.LastIndexOf('/') + 1)..];
                            return cond is null ? null : new SplitCase(caseName, cond, Ref(item, "next", cat));
                        })
                        : Missing<ImmutableArray<SplitCase>>($"{at}/cases", "a non-empty array of cases");
                    node = new MultiSplitNode(id!, cases.IsDefault ? [] : cases, Ref(el, "default", at));
                    break;
                }
                case "randomSplit":
                {
                    Object(el, at, "a randomSplit node", "id", "type", "label", "arms", "holdout");
                    var arms = el.TryGetProperty("arms", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
                        ? Array(a, $"{at}/arms", (item, aat) =>
                        {
                            if (!Object(item, aat, "an arm object", "name", "weight", "next"))
                            {
                                return null;
                            }
                            var armName = Str(item, "name", aat, required: true);
                            var weight = Weight(item, aat);
                            return armName is null || weight is null ? null : new SplitArm(armName, weight.Value, Ref(item, "next", aat));
                        })
                        : Missing<ImmutableArray<SplitArm>>($"{at}/arms", "a non-empty array of arms");
                    double holdout = 0;
                    string? holdoutNext = null;
                    if (el.TryGetProperty("holdout", out var h) && Object(h, $"{at}/holdout", "a holdout object", "weight", "next"))
                    {
                        holdout = Weight(h, $"{at}/holdout") ?? 0;
                        holdoutNext = Ref(h, "next", $"{at}/holdout");
                    }
                    node = new RandomSplitNode(id!, arms.IsDefault ? [] : arms, holdout, holdoutNext);
                    break;
                }
                case "send":
                {
                    Object(el, at, "a send node", "id", "type", "label", "channel", "template", "offer", "fallback", "transactional", "bestTimeWithin", "next");
                    Channel? channel = el.TryGetProperty("channel", out var ch) ? ChannelOf(ch, $"{at}/channel") : Missing<Channel?>($"{at}/channel", $"a channel ({Channels.KnownNames})");
                    var template = Str(el, "template", at, required: true);
                    if (template is not null && JourneyValidator.TemplateProblem(template, options) is { } unknown)
                    {
                        Soft($"{at}/template", unknown);
                    }
                    var offer = Str(el, "offer", at, required: false);
                    var fallback = el.TryGetProperty("fallback", out var fb) ? ChannelList(fb, $"{at}/fallback") : [];
                    var transactional = Bool(el, "transactional", at) ?? false;
                    var best = Duration(el, "bestTimeWithin", at, required: false);
                    node = channel is null || template is null ? null
                        : new SendNode(id!, channel.Value, template, offer, fallback, transactional, best, Ref(el, "next", at));
                    break;
                }
                case "updateProfile":
                {
                    Object(el, at, "an updateProfile node", "id", "type", "label", "setTags", "recordOffer", "next");
                    var tags = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
                    if (el.TryGetProperty("setTags", out var st))
                    {
                        if (st.ValueKind != JsonValueKind.Object)
                        {
                            Error($"{at}/setTags", "expected an object of tag names to values");
                        }
                        else
                        {
                            foreach (var p in st.EnumerateObject())
                            {
                                if (p.Value.ValueKind == JsonValueKind.String && p.Name.Length > 0)
                                {
                                    tags = tags.SetItem(p.Name, p.Value.GetString()!);
                                }
                                else
                                {
                                    Error($"{at}/setTags/{Escape(p.Name)}", "expected a text value");
                                }
                            }
                        }
                    }
                    var record = Str(el, "recordOffer", at, required: false);
                    if (tags.IsEmpty && record is null)
                    {
                        Error(at, "an updateProfile node needs setTags or recordOffer");
                    }
                    node = new UpdateProfileNode(id!, tags, record, Ref(el, "next", at));
                    break;
                }
                case "goal":
                    Object(el, at, "a goal node", "id", "type", "label", "name", "next");
                    node = new GoalNode(id!, Str(el, "name", at, required: false) ?? id!, Ref(el, "next", at));
                    break;
                case "exit":
                    Object(el, at, "an exit node", "id", "type", "label", "reason");
                    node = new ExitNode(id!, Str(el, "reason", at, required: false) ?? $"exit node {id}");
                    break;
            }
            return Errors.Count > before ? null : node;
        }

        // ------------------------------------------------------------------ filters and conditions

        private EventFilter? Filter(JsonElement el, string at)
        {
            if (!Object(el, at, "an event filter", "name", "names", "type", "where", "sameKey"))
            {
                return null;
            }
            var before = Errors.Count;
            ImmutableArray<string> names = [];
            if (el.TryGetProperty("name", out _))
            {
                names = Str(el, "name", at, required: true) is { } one ? [one] : [];
            }
            if (el.TryGetProperty("names", out var ns))
            {
                if (!names.IsEmpty)
                {
                    Error($"{at}/names", "give either 'name' or 'names', not both");
                }
                names = ns.ValueKind == JsonValueKind.Array && ns.GetArrayLength() > 0 && ns.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String && x.GetString()!.Length > 0)
                    ? [.. ns.EnumerateArray().Select(x => x.GetString()!)]
                    : Missing<ImmutableArray<string>>($"{at}/names", "a non-empty array of event names");
            }
            EventType? type = null;
            if (el.TryGetProperty("type", out var t))
            {
                if (t.ValueKind == JsonValueKind.String && Enum.TryParse<EventType>(t.GetString(), ignoreCase: true, out var et) && !int.TryParse(t.GetString(), out _))
                {
                    type = et;
                }
                else
                {
                    Error($"{at}/type", $"expected one of {string.Join(", ", Enum.GetNames<EventType>().Select(x => char.ToLowerInvariant(x[0]) + x[1..]))}");
                }
            }
            if (names.IsDefaultOrEmpty && type is null && !el.TryGetProperty("names", out _) && !el.TryGetProperty("name", out _))
            {
                Error(at, "an event filter needs a name, names or a type");
            }
            var where = el.TryGetProperty("where", out var w) ? Array(w, $"{at}/where", (item, wat) => Match(item, wat, "path")) : [];
            var sameKey = Bool(el, "sameKey", at) ?? false;
            return Errors.Count > before ? null : new EventFilter(names.IsDefault ? [] : names, type, where.IsDefault ? [] : where, sameKey);
        }

        private ValueMatch? Match(JsonElement el, string at, string pathProperty)
        {
            if (!Object(el, at, "a comparison object", pathProperty, "op", "value"))
            {
                return null;
            }
            var path = Str(el, pathProperty, at, required: true);
            if (path is not null && pathProperty is "path" or "trigger" && !EventPath.IsValid(path))
            {
                Error($"{at}/{pathProperty}", $"'{path}' is not an event path; use name, type, source, properties.x, traits.x, order.amount");
            }
            return ComparisonOf(el, at, path);
        }

        private ValueMatch? ComparisonOf(JsonElement el, string at, string? path)
        {
            var op = el.TryGetProperty("op", out _) ? Str(el, "op", at, required: true) : (el.TryGetProperty("value", out _) ? "==" : "exists");
            if (op is not null && !ValueMatch.Ops.Contains(op))
            {
                Error($"{at}/op", $"unknown operator '{op}'; use one of {string.Join(" ", ValueMatch.Ops)}");
                return null;
            }
            double? number = null;
            string? text = null;
            if (el.TryGetProperty("value", out var v))
            {
                switch (v.ValueKind)
                {
                    case JsonValueKind.Number: number = v.GetDouble(); break;
                    case JsonValueKind.String: text = v.GetString(); break;
                    case JsonValueKind.True or JsonValueKind.False: text = v.ValueKind == JsonValueKind.True ? "true" : "false"; break;
                    default: Error($"{at}/value", "expected a number, a string or a boolean"); return null;
                }
                if (op == "exists")
                {
                    Error($"{at}/value", "'exists' takes no value");
                }
                else if (text is not null && op is "<" or "<=" or ">" or ">=")
                {
                    Error($"{at}/op", $"'{op}' compares numbers; the value is text");
                }
            }
            else if (op is not null && op != "exists")
            {
                Error($"{at}/value", $"'{op}' needs a value");
            }
            return path is null || op is null ? null : new ValueMatch(path, op, number, text);
        }

        private JourneyCondition? Condition(JsonElement el, string at)
        {
            if (el.ValueKind != JsonValueKind.Object)
            {
                Error(at, "expected a condition object");
                return null;
            }
            foreach (var (name, make) in new (string, Func<ImmutableArray<JourneyCondition>, JourneyCondition>)[] { ("all", c => new AllOfCondition(c)), ("any", c => new AnyOfCondition(c)) })
            {
                if (el.TryGetProperty(name, out var list))
                {
                    Object(el, at, "a condition object", name);
                    if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                    {
                        Error($"{at}/{name}", "expected a non-empty array of conditions");
                        return null;
                    }
                    var items = Array(list, $"{at}/{name}", Condition);
                    return items.Length == list.GetArrayLength() ? make(items) : null;
                }
            }
            if (el.TryGetProperty("not", out var not))
            {
                Object(el, at, "a condition object", "not");
                return Condition(not, $"{at}/not") is { } inner ? new NotCondition(inner) : null;
            }
            if (el.TryGetProperty("metric", out _))
            {
                Object(el, at, "a metric condition", "metric", "op", "value");
                var metric = Str(el, "metric", at, required: true);
                if (metric is not null && !ProfileMetrics.Exists(metric))
                {
                    Error($"{at}/metric", $"unknown metric '{metric}'; known: {string.Join(", ", ProfileMetrics.Names.Order(StringComparer.Ordinal))}");
                    return null;
                }
                var op = Str(el, "op", at, required: true);
                if (op is not null && !CompareOps.Contains(op))
                {
                    Error($"{at}/op", $"unknown operator '{op}'; use one of {string.Join(" ", CompareOps)}");
                }
                if (!el.TryGetProperty("value", out var v) || v.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                {
                    Error($"{at}/value", "expected a number or a string");
                    return null;
                }
                return metric is null || op is null || !CompareOps.Contains(op) ? null
                    : new MetricCondition(new Comparison(metric, op, v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null, v.ValueKind == JsonValueKind.String ? v.GetString() : null));
            }
            if (el.TryGetProperty("tag", out _))
            {
                return Match(el, at, "tag") is { } m ? new TagCondition(m) : null;
            }
            if (el.TryGetProperty("trigger", out _))
            {
                return Match(el, at, "trigger") is { } m ? new TriggerCondition(m) : null;
            }
            if (el.TryGetProperty("consent", out var consent))
            {
                Object(el, at, "a consent condition", "consent");
                return ChannelOf(consent, $"{at}/consent") is { } ch ? new ConsentCondition(ch) : null;
            }
            if (el.TryGetProperty("date", out _))
            {
                Object(el, at, "a date condition", "date", "withinDays", "annual");
                var trait = Str(el, "date", at, required: true);
                var within = el.TryGetProperty("withinDays", out var wd) && wd.ValueKind == JsonValueKind.Number && wd.TryGetInt32(out var days) && days >= 0 ? days : -1;
                if (within < 0)
                {
                    Error($"{at}/withinDays", "expected a whole number of days, 0 or more");
                }
                var annual = Bool(el, "annual", at) ?? false;
                return trait is null || within < 0 ? null : new DateCondition(trait, annual, within);
            }
            Error(at, "a condition needs one of: metric, tag, trigger, consent, date, all, any, not");
            return null;
        }

        // ------------------------------------------------------------------ values

        private string? TypeOf(JsonElement el, string at, string[] types)
        {
            if (el.ValueKind != JsonValueKind.Object)
            {
                Error(at, "expected an object");
                return null;
            }
            if (el.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && types.Contains(t.GetString()))
            {
                return t.GetString();
            }
            Error($"{at}/type", $"{(t.ValueKind == JsonValueKind.String ? $"unknown type '{t.GetString()}'" : "required")}; expected one of {string.Join(", ", types)}");
            return null;
        }

        private bool Object(JsonElement el, string at, string what, params string[] allowed)
        {
            if (el.ValueKind != JsonValueKind.Object)
            {
                Error(at, $"expected {what}");
                return false;
            }
            foreach (var p in el.EnumerateObject())
            {
                if (!allowed.Contains(p.Name))
                {
                    Error($"{at}/{Escape(p.Name)}", $"unknown property '{p.Name}' in {what}; allowed: {string.Join(", ", allowed)}");
                }
            }
            return true;
        }

        private ImmutableArray<T> Array<T>(JsonElement el, string at, Func<JsonElement, string, T?> item) where T : class
        {
            if (el.ValueKind != JsonValueKind.Array)
            {
                Error(at, "expected an array");
                return [];
            }
            var items = ImmutableArray.CreateBuilder<T>();
            var i = 0;
            foreach (var x in el.EnumerateArray())
            {
                if (item(x, $"{at}/{i++}") is { } value)
                {
                    items.Add(value);
                }
            }
            return items.ToImmutable();
        }

        private string? Str(JsonElement el, string name, string at, bool required)
        {
            if (el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
            {
                return s;
            }
            if (required || el.TryGetProperty(name, out _))
            {
                Error($"{at}/{name}", "expected a non-empty string");
            }
            return null;
        }

        /// <summary>Ids: letters, digits, '-', '_', '.', starting with a letter or digit.</summary>
        private string? Id(JsonElement el, string name, string at, bool required)
        {
            var s = Str(el, name, at, required);
            if (s is not null && (!char.IsAsciiLetterOrDigit(s[0]) || s.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))))
            {
                Error($"{at}/{name}", $"'{s}' is not an id: use letters, digits, '-', '_' and '.'");
                return null;
            }
            return s;
        }

        private string? Ref(JsonElement el, string name, string at) => el.TryGetProperty(name, out _) ? Str(el, name, at, required: true) : null;

        private bool? Bool(JsonElement el, string name, string at)
        {
            if (!el.TryGetProperty(name, out var v))
            {
                return null;
            }
            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.ValueKind == JsonValueKind.True;
            }
            Error($"{at}/{name}", "expected true or false");
            return null;
        }

        private TimeSpan? Duration(JsonElement el, string name, string at, bool required)
        {
            if (!el.TryGetProperty(name, out var v))
            {
                if (required)
                {
                    Error($"{at}/{name}", "required: a duration such as 30m, 1h, 7d");
                }
                return null;
            }
            if (v.ValueKind == JsonValueKind.String && JourneyText.TryParseDuration(v.GetString(), out var d))
            {
                return d;
            }
            Error($"{at}/{name}", $"expected a duration such as 30m, 1h, 24h, 7d, 2w{(v.ValueKind == JsonValueKind.String ? $", not '{v.GetString()}'" : "")}");
            return null;
        }

        private TimeOnly? Time(JsonElement el, string name, string at, bool required)
        {
            if (!el.TryGetProperty(name, out var v))
            {
                if (required)
                {
                    Error($"{at}/{name}", "required: a local time HH:mm");
                }
                return null;
            }
            if (v.ValueKind == JsonValueKind.String && JourneyText.TryParseTime(v.GetString(), out var t))
            {
                return t;
            }
            Error($"{at}/{name}", "expected a local time HH:mm, e.g. 09:30");
            return null;
        }

        private double? Weight(JsonElement el, string at)
        {
            if (el.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Number && w.GetDouble() is var x && x >= 0 && double.IsFinite(x))
            {
                return x;
            }
            Error($"{at}/weight", "expected a number, 0 or more");
            return null;
        }

        private ImmutableArray<DayOfWeek> Days(JsonElement el, string at)
        {
            if (el.ValueKind != JsonValueKind.Array)
            {
                Error(at, "expected an array of weekdays (mon, tue, wed, thu, fri, sat, sun)");
                return [];
            }
            if (el.GetArrayLength() == 0)
            {
                Error(at, "the weekday window is empty: name at least one day (mon … sun)");
                return [];
            }
            var days = ImmutableArray.CreateBuilder<DayOfWeek>();
            var i = 0;
            foreach (var d in el.EnumerateArray())
            {
                if (d.ValueKind == JsonValueKind.String && JourneyText.TryParseDay(d.GetString(), out var day))
                {
                    if (!days.Contains(day))
                    {
                        days.Add(day);
                    }
                }
                else
                {
                    Error($"{at}/{i}", "expected a weekday: mon, tue, wed, thu, fri, sat or sun");
                }
                i++;
            }
            return days.ToImmutable();
        }

        private Channel? ChannelOf(JsonElement el, string at)
        {
            if (el.ValueKind == JsonValueKind.String && Channels.TryParse(el.GetString(), out var channel))
            {
                return channel;
            }
            Error(at, $"unknown channel{(el.ValueKind == JsonValueKind.String ? $" '{el.GetString()}'" : "")}; expected one of {Channels.KnownNames}");
            return null;
        }

        private ImmutableArray<Channel> ChannelList(JsonElement el, string at)
        {
            if (el.ValueKind != JsonValueKind.Array)
            {
                Error(at, $"expected an array of channels ({Channels.KnownNames})");
                return [];
            }
            var list = ImmutableArray.CreateBuilder<Channel>();
            var i = 0;
            foreach (var c in el.EnumerateArray())
            {
                if (ChannelOf(c, $"{at}/{i++}") is { } channel)
                {
                    list.Add(channel);
                }
            }
            return list.ToImmutable();
        }
    }

    /// <summary>RFC 6901: '~' as ~0 and '/' as ~1 in a pointer's tokens.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
