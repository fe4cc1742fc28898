using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Lodestar.Journeys;

/// <summary>How instances of a journey start. <see cref="When"/>, if set, must also hold for the customer at entry.</summary>
public abstract record JourneyEntry(JourneyCondition? When);

/// <summary>On an event matching the filter (e.g. "Product Added").</summary>
public sealed record EventEntry(EventFilter Event, JourneyCondition? When = null) : JourneyEntry(When);

/// <summary>On entering a segment (tag <c>segment:&lt;id&gt;</c> = true, or tier tag = id).</summary>
public sealed record SegmentEntry(string Segment, JourneyCondition? When = null) : JourneyEntry(When);

/// <summary>Every <see cref="Every"/> at local time <see cref="At"/> (tenant zone), for each customer <see cref="JourneyEntry.When"/> admits.</summary>
public sealed record ScheduleEntry(TimeSpan Every, TimeOnly At, JourneyCondition? When = null) : JourneyEntry(When);

/// <summary>Started by an API call (or the CLI) for a given customer.</summary>
public sealed record ApiEntry(JourneyCondition? When = null) : JourneyEntry(When);

/// <summary>Whether a customer may enter a journey again.</summary>
public abstract record ReEntryRule;

/// <summary>At most one instance per customer, ever.</summary>
public sealed record NeverReEnter : ReEntryRule
{
    public static readonly NeverReEnter Instance = new();
}

/// <summary>Again once no instance is active and the last entry is at least <see cref="Cooldown"/> old.</summary>
public sealed record ReEnterAfter(TimeSpan Cooldown) : ReEntryRule;

/// <summary>Any number of instances, each with a business key never seen before (one per cart).</summary>
public sealed record ReEnterWithDistinctKey : ReEntryRule
{
    public static readonly ReEnterWithDistinctKey Instance = new();
}

/// <summary>
/// Checked at every step: an event matching one of <see cref="Events"/> ends the instance (a purchase ends the
/// abandoned-cart journey), and so does marketing consent withdrawn, after entry, on one of <see cref="ConsentWithdrawn"/>.
/// </summary>
public sealed record ExitCriteria(ImmutableArray<EventFilter> Events, ImmutableArray<Channel> ConsentWithdrawn)
{
    public static readonly ExitCriteria None = new([], []);
}

/// <summary>The journey's conversion: an event matching <see cref="Event"/> within <see cref="Within"/> of entry.</summary>
public sealed record JourneyGoal(EventFilter Event, TimeSpan Within);

/// <summary>A frequency cap: at most <see cref="Max"/> marketing messages within a rolling <see cref="Window"/>, on one channel or on all.</summary>
public sealed record CapRule(int Max, TimeSpan Window, Channel? Channel = null)
{
    public string Describe() => $"{Max} per {JourneyText.Duration(Window)}{(Channel is { } c ? " on " + c.Name() : "")}";
}

/// <summary>
/// A journey, as data: published as JSON (journeys/journey.schema.json), read by <see cref="JourneyReader"/>, validated
/// once on publish, and never changed afterwards: a new version is a new definition, and instances in flight finish on
/// the version they started on. Built through the reader or an object initialiser; <see cref="Nodes"/> is indexed once.
/// </summary>
public sealed record JourneyDefinition
{
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromDays(30);

    private readonly ImmutableArray<JourneyNode> _nodes = [];
    private FrozenDictionary<string, JourneyNode> _index = FrozenDictionary<string, JourneyNode>.Empty;
    private ImmutableArray<string> _triggerPaths;

    public required string Id { get; init; }

    public required int Version { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The campaign whose offers stay consistent across channels; the journey id unless set.</summary>
    public string? Campaign { get; init; }

    public string CampaignId => Campaign ?? Id;

    public required JourneyEntry Entry { get; init; }

    /// <summary>A path into the trigger event (e.g. <c>properties.cartId</c>) whose value identifies the instance.</summary>
    public string? BusinessKey { get; init; }

    public ReEntryRule ReEntry { get; init; } = NeverReEnter.Instance;

    public ExitCriteria Exit { get; init; } = ExitCriteria.None;

    public JourneyGoal? Goal { get; init; }

    public TimeSpan MaxDuration { get; init; } = DefaultMaxDuration;

    /// <summary>Caps of this journey's own, applied on top of the tenant's caps (which count every journey's sends).</summary>
    public ImmutableArray<CapRule> FrequencyCaps { get; init; } = [];

    public required string Start { get; init; }

    public required ImmutableArray<JourneyNode> Nodes
    {
        get => _nodes;
        init
        {
            _nodes = value.IsDefault ? [] : value;
            var index = new Dictionary<string, JourneyNode>(StringComparer.Ordinal);
            foreach (var node in _nodes)
            {
                index.TryAdd(node.Id, node);
            }
            _index = index.ToFrozenDictionary(StringComparer.Ordinal);
            _triggerPaths = default;
        }
    }

    /// <summary>The node with this id, or null.</summary>
    public JourneyNode? Node(string? id) => id is not null && _index.TryGetValue(id, out var node) ? node : null;

    public int IndexOf(string id)
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].Id == id)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The trigger values that conditions read: the state keeps only these of the trigger event.</summary>
    public ImmutableArray<string> TriggerPaths
    {
        get
        {
            // Computed once on first use (a benign race: every thread computes the same value).
            if (_triggerPaths.IsDefault)
            {
                _triggerPaths = [.. _nodes.SelectMany(n => n switch
                {
                    BranchNode b => JourneyConditions.TriggerPaths(b.If),
                    MultiSplitNode m => m.Cases.SelectMany(c => JourneyConditions.TriggerPaths(c.If)),
                    _ => [],
                }).Concat(JourneyConditions.TriggerPaths(Entry?.When)).Distinct(StringComparer.Ordinal)];
            }
            return _triggerPaths;
        }
    }

    /// <summary>The channels this journey sends marketing on, primary and fallback: consent withdrawn on one of these may end it.</summary>
    public IEnumerable<Channel> MarketingChannels => _nodes.OfType<SendNode>().Where(s => !s.Transactional)
        .SelectMany(s => s.Fallback.Prepend(s.Channel)).Distinct();

    /// <summary>"abandoned-cart@3", for logs and instance ids.</summary>
    public string Key => $"{Id}@{Version}";
}
