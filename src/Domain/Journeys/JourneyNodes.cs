using System.Collections.Immutable;

namespace Lodestar.Journeys;

/// <summary>
/// One step of a journey. A closed hierarchy: every consumer switches over it with an exhaustive default. Outgoing
/// references are node ids; a null reference means the journey completes there.
/// </summary>
public abstract record JourneyNode(string Id)
{
    /// <summary>The node ids this node may continue to, with the JSON property that names each (for pointers).</summary>
    public abstract IEnumerable<(string Property, string Target)> Edges();

    /// <summary>Whether an instance at this node waits for time to pass (so a loop through it is not a busy loop).</summary>
    public virtual bool Waits => false;

    protected static IEnumerable<(string, string)> One(string property, string? target) => target is null ? [] : [(property, target)];
}

/// <summary>Waits a fixed time, e.g. 1 hour.</summary>
public sealed record DelayNode(string Id, TimeSpan Duration, string? Next) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("next", Next);

    public override bool Waits => true;
}

/// <summary>A local time window: from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive); may wrap midnight.</summary>
public sealed record TimeWindow(TimeOnly From, TimeOnly To)
{
    public bool Contains(TimeOnly t) => From < To ? t >= From && t < To : t >= From || t < To;
}

/// <summary>A date from the profile with an offset: birthday − 7 days (annual), membership expiry − 7 days.</summary>
public sealed record ProfileDate(string Trait, TimeSpan Offset, bool Annual);

/// <summary>
/// Waits until a local moment in the customer's zone: the first instant at or after now that falls on one of
/// <see cref="Days"/> (all days when empty), at <see cref="At"/> or inside <see cref="Window"/> (the start of the day when
/// neither), on the day given by <see cref="Date"/> when set. When the profile lacks the date, or it has passed, the
/// instance goes to <see cref="OnMissing"/> (or exits when that is null).
/// </summary>
public sealed record WaitUntilNode(string Id, TimeOnly? At, ImmutableArray<DayOfWeek> Days, TimeWindow? Window, ProfileDate? Date, string? Next, string? OnMissing = null)
    : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("next", Next).Concat(One("onMissing", OnMissing));

    public override bool Waits => true;
}

/// <summary>Waits for an event (e.g. a purchase) for at most <see cref="Timeout"/>: the reminder pattern.</summary>
public sealed record WaitForEventNode(string Id, EventFilter Event, TimeSpan Timeout, string? OnEvent, string? OnTimeout) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("onEvent", OnEvent).Concat(One("onTimeout", OnTimeout));

    public override bool Waits => true;
}

/// <summary>Continues to <see cref="Then"/> when the condition holds, else to <see cref="Else"/>.</summary>
public sealed record BranchNode(string Id, JourneyCondition If, string? Then, string? Else) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("then", Then).Concat(One("else", Else));
}

public sealed record SplitCase(string Name, JourneyCondition If, string? Next);

/// <summary>The first case whose condition holds decides; none holding goes to <see cref="Default"/>.</summary>
public sealed record MultiSplitNode(string Id, ImmutableArray<SplitCase> Cases, string? Default) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() =>
        Cases.SelectMany((c, i) => One($"cases/{i}/next", c.Next)).Concat(One("default", Default));
}

public sealed record SplitArm(string Name, double Weight, string? Next);

/// <summary>
/// An A/B test: each customer falls in one arm, or in the control holdout (who get nothing from here on), by a stable
/// hash of (journey, node, customer), so the same customer lands in the same arm on every run and every host.
/// </summary>
public sealed record RandomSplitNode(string Id, ImmutableArray<SplitArm> Arms, double HoldoutWeight, string? HoldoutNext = null) : JourneyNode(Id)
{
    public const string HoldoutName = "holdout";

    public override IEnumerable<(string, string)> Edges() =>
        Arms.SelectMany((a, i) => One($"arms/{i}/next", a.Next)).Concat(One("holdout/next", HoldoutNext));
}

/// <summary>
/// Sends a template on a channel (falling back to the next channel the policy allows), optionally with an offer. A
/// marketing send obeys consent, caps, quiet hours and rate limits; a transactional one only service consent and rates.
/// <see cref="BestTimeWithin"/> asks for the customer's most active hour within that time.
/// </summary>
public sealed record SendNode(
    string Id,
    Channel Channel,
    string Template,
    string? Offer,
    ImmutableArray<Channel> Fallback,
    bool Transactional,
    TimeSpan? BestTimeWithin,
    string? Next) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("next", Next);
}

/// <summary>Sets tags on the profile and/or records an offer as given to the customer.</summary>
public sealed record UpdateProfileNode(string Id, ImmutableSortedDictionary<string, string> SetTags, string? RecordOffer, string? Next) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("next", Next);
}

/// <summary>A milestone: the first time an instance reaches one, its conversion is recorded.</summary>
public sealed record GoalNode(string Id, string Name, string? Next) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => One("next", Next);
}

/// <summary>Ends the instance with a reason.</summary>
public sealed record ExitNode(string Id, string Reason) : JourneyNode(Id)
{
    public override IEnumerable<(string, string)> Edges() => [];
}
