using Lodestar.Validation;

namespace Lodestar.Journeys;

/// <summary>
/// The checks on a well-formed definition that make it safe to publish: node ids unique, every reference names a node,
/// every node reachable from the start, no loop without a wait (a busy loop), known templates (each fallback channel's
/// too, named by <see cref="TemplateNames"/>), no impossible wait (negative or zero durations, a time-out of zero, an
/// empty window), and fields that only make sense together. Errors point into the JSON form (nodes by index), so they
/// apply to definitions built in code too.
/// </summary>
public static class JourneyValidator
{
    public static IReadOnlyList<FieldError> Validate(JourneyDefinition d, JourneyValidationOptions? options = null)
    {
        options ??= JourneyValidationOptions.Default;
        var errors = new List<FieldError>();
        void Error(string at, string message) => errors.Add(new FieldError(at, message));

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < d.Nodes.Length; i++)
        {
            if (!ids.TryAdd(d.Nodes[i].Id, i))
            {
                Error($"/nodes/{i}/id", $"duplicate node id '{d.Nodes[i].Id}' (also /nodes/{ids[d.Nodes[i].Id]})");
            }
        }
        string Known() => string.Join(", ", ids.Keys.Take(12)) + (ids.Count > 12 ? ", …" : "");
        if (!ids.ContainsKey(d.Start))
        {
            Error("/start", $"no node '{d.Start}'; known: {Known()}");
        }
        for (var i = 0; i < d.Nodes.Length; i++)
        {
            foreach (var (property, target) in d.Nodes[i].Edges())
            {
                if (!ids.ContainsKey(target))
                {
                    Error($"/nodes/{i}/{property}", $"no node '{target}'; known: {Known()}");
                }
            }
        }

        // Reachability from the start.
        if (ids.ContainsKey(d.Start))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { d.Start };
            var queue = new Queue<string>([d.Start]);
            while (queue.TryDequeue(out var id))
            {
                foreach (var (_, target) in d.Node(id)!.Edges())
                {
                    if (ids.ContainsKey(target) && seen.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
            for (var i = 0; i < d.Nodes.Length; i++)
            {
                if (!seen.Contains(d.Nodes[i].Id))
                {
                    Error($"/nodes/{i}", $"node '{d.Nodes[i].Id}' is unreachable from the start ('{d.Start}')");
                }
            }
        }

        // Loops without a wait: a cycle among nodes that do not wait would spin without end.
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        void Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            var node = d.Node(id)!;
            foreach (var (property, target) in node.Edges())
            {
                if (d.Node(target) is not { } next || next.Waits)
                {
                    continue;
                }
                var s = state.GetValueOrDefault(target);
                if (s == 1)
                {
                    var cycle = path.Skip(path.IndexOf(target)).Append(target);
                    Error($"/nodes/{ids[id]}/{property}", $"loop without a wait: {string.Join(" → ", cycle)}; put a delay or a wait in it");
                }
                else if (s == 0)
                {
                    Visit(target);
                }
            }
            path.RemoveAt(path.Count - 1);
            state[id] = 2;
        }
        foreach (var node in d.Nodes)
        {
            if (!node.Waits && state.GetValueOrDefault(node.Id) == 0 && ids[node.Id] == d.IndexOf(node.Id))
            {
                Visit(node.Id);
            }
        }

        // Impossible waits and inconsistent fields.
        if (d.MaxDuration <= TimeSpan.Zero)
        {
            Error("/maxDuration", "the maximum duration must be positive");
        }
        switch (d.Entry)
        {
            case ScheduleEntry { Every: var every } when every <= TimeSpan.Zero:
                Error("/entry/every", "the schedule interval must be positive");
                break;
            case SegmentEntry { Segment.Length: 0 }:
                Error("/entry/segment", "name the segment");
                break;
        }
        switch (d.ReEntry)
        {
            case ReEnterAfter { Cooldown: var cooldown } when cooldown <= TimeSpan.Zero:
                Error("/reEntry/cooldown", "the cool-down must be positive");
                break;
            case ReEnterWithDistinctKey when d.BusinessKey is null:
                Error("/reEntry", "re-entry with a distinct key needs a businessKey");
                break;
        }
        if (d.Goal is { } goal)
        {
            if (goal.Within <= TimeSpan.Zero)
            {
                Error("/goal/within", "the goal window must be positive");
            }
            SameKey(goal.Event, "/goal/event");
        }
        for (var i = 0; i < d.Exit.Events.Length; i++)
        {
            SameKey(d.Exit.Events[i], $"/exit/events/{i}");
        }
        for (var i = 0; i < d.FrequencyCaps.Length; i++)
        {
            if (d.FrequencyCaps[i].Window <= TimeSpan.Zero)
            {
                Error($"/frequencyCaps/{i}/window", "a cap window must be positive");
            }
            if (d.FrequencyCaps[i].Max < 1)
            {
                Error($"/frequencyCaps/{i}/max", "a cap allows at least one message");
            }
        }
        void SameKey(EventFilter filter, string at)
        {
            if (filter.SameKey && d.BusinessKey is null)
            {
                Error($"{at}/sameKey", "sameKey needs the journey's businessKey");
            }
        }

        for (var i = 0; i < d.Nodes.Length; i++)
        {
            var at = $"/nodes/{i}";
            switch (d.Nodes[i])
            {
                case DelayNode delay when DelayProblem(delay.Duration) is { } delayProblem:
                    Error($"{at}/duration", delayProblem);
                    break;
                case WaitForEventNode wait:
                    if (TimeoutProblem(wait.Timeout) is { } timeoutProblem)
                    {
                        Error($"{at}/timeout", timeoutProblem);
                    }
                    SameKey(wait.Event, $"{at}/event");
                    break;
                case WaitUntilNode until:
                    if (until.Window is { } window && WindowProblem(window) is { } windowProblem)
                    {
                        Error($"{at}/window", windowProblem);
                    }
                    if (until.Date is { } date)
                    {
                        if (!until.Days.IsDefaultOrEmpty)
                        {
                            Error($"{at}/days", "a wait on a profile date cannot also name weekdays");
                        }
                        if (date.Offset.Ticks % TimeSpan.TicksPerDay != 0)
                        {
                            Error($"{at}/date/offset", "a date offset is in whole days, e.g. -7d; set the time with 'at'");
                        }
                    }
                    break;
                case RandomSplitNode split:
                    if (split.Arms.Sum(a => a.Weight) + split.HoldoutWeight <= 0)
                    {
                        Error($"{at}/arms", "the weights add up to zero");
                    }
                    var armNames = new HashSet<string>(StringComparer.Ordinal);
                    for (var a = 0; a < split.Arms.Length; a++)
                    {
                        if (!armNames.Add(split.Arms[a].Name) || split.Arms[a].Name == RandomSplitNode.HoldoutName)
                        {
                            Error($"{at}/arms/{a}/name", $"arm name '{split.Arms[a].Name}' is used twice or reserved");
                        }
                    }
                    break;
                case SendNode send:
                    if (TemplateProblem(send.Template, options) is { } unknown)
                    {
                        Error($"{at}/template", unknown);
                    }
                    var used = new HashSet<Channel> { send.Channel };
                    for (var f = 0; f < send.Fallback.Length; f++)
                    {
                        if (!used.Add(send.Fallback[f]))
                        {
                            Error($"{at}/fallback/{f}", $"channel {send.Fallback[f].Name()} is already tried before");
                        }
                        else if (FallbackTemplateProblem(send, send.Fallback[f], options) is { } missing)
                        {
                            Error($"{at}/fallback/{f}", missing);
                        }
                    }
                    if (send.BestTimeWithin is { } best && best <= TimeSpan.Zero)
                    {
                        Error($"{at}/bestTimeWithin", "the best-time window must be positive");
                    }
                    if (send.BestTimeWithin is not null && send.Transactional)
                    {
                        Error($"{at}/bestTimeWithin", "a transactional message goes out at once; best time applies to marketing");
                    }
                    break;
                case MultiSplitNode multi:
                    var caseNames = new HashSet<string>(StringComparer.Ordinal);
                    for (var c = 0; c < multi.Cases.Length; c++)
                    {
                        if (!caseNames.Add(multi.Cases[c].Name))
                        {
                            Error($"{at}/cases/{c}/name", $"case name '{multi.Cases[c].Name}' is used twice");
                        }
                    }
                    break;
            }
        }
        // In document order (array indices numerically), so a long list reads top to bottom.
        return [.. errors.OrderBy(e => e.Pointer, PointerOrder.Instance)];
    }

    // The checks the reader also makes while reading, so that a file with other errors still gets these reported.

    internal static string? DelayProblem(TimeSpan d) =>
        d < TimeSpan.Zero ? $"a delay cannot be negative ({JourneyText.Duration(d)})"
        : d == TimeSpan.Zero ? "a delay of zero waits for nothing; remove the node" : null;

    internal static string? TimeoutProblem(TimeSpan t) =>
        t <= TimeSpan.Zero ? $"the time-out must be positive ({JourneyText.Duration(t)}): an instance could never wait for the event" : null;

    internal static string? WindowProblem(TimeWindow w) =>
        w.From == w.To ? $"the time window {JourneyText.Time(w.From)}–{JourneyText.Time(w.To)} is empty" : null;

    internal static string? TemplateProblem(string template, JourneyValidationOptions options) =>
        options.KnownTemplates is { } templates && !templates.Contains(template) ? $"unknown template '{template}'" : null;

    // A fallback channel sends its own content: the sibling template by the naming rule (TemplateNames), which must exist
    // now rather than fail every fallback send later.
    internal static string? FallbackTemplateProblem(SendNode send, Channel fallback, JourneyValidationOptions options)
    {
        if (options.KnownTemplates is not { } templates)
        {
            return null;
        }
        var channel = fallback.Name();
        return TemplateNames.For(send, fallback) switch
        {
            null => $"the template '{send.Template}' does not end in a channel name ('-{send.Channel.Name()}'), so the fallback channel {channel} has no '-{channel}' template to use",
            var sibling when !templates.Contains(sibling) => $"no {channel} template '{sibling}' for the fallback channel",
            _ => null,
        };
    }
}

/// <summary>Orders JSON pointers token by token, array indices as numbers: /nodes/2 before /nodes/10.</summary>
internal sealed class PointerOrder : IComparer<string>
{
    public static readonly PointerOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('/');
        var b = (y ?? "").Split('/');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = int.TryParse(a[i], out var m) && int.TryParse(b[i], out var n) ? m.CompareTo(n) : string.CompareOrdinal(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
