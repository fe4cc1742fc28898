using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Profiles;
using Lodestar.Validation;

namespace Lodestar.Scoring;

/// <summary>
/// A segment: customers whose profile meets <see cref="When"/> at an instant. <see cref="Id"/> names the membership
/// tag (<c>segment:&lt;id&gt;</c>) and the entered/left events, so it is restricted to lowercase letters, digits,
/// <c>_</c> and <c>-</c>.
/// </summary>
public sealed record SegmentDefinition(string Id, string Name, string? Description, RuleCondition When)
{
    public const int MaxIdLength = 64;

    public string Tag => ScoringTags.SegmentTag(Id);

    public bool Contains(Profile profile, DateTimeOffset now) => RuleConditions.Holds(When, new ProfileRuleSubject(profile, now));

    /// <summary>Reads one segment object; errors carry JSON pointers from the document root.</summary>
    public static Validated<SegmentDefinition> Parse(string json) => ScoringJson.Parse(json, (root, errors) => Read(root, "", errors));

    internal static SegmentDefinition? Read(JsonElement el, string at, List<FieldError> errors)
    {
        if (!ScoringJson.IsObject(el, at, errors, "a segment { id, name, description, when }"))
        {
            return null;
        }
        ScoringJson.OnlyKnown(el, at, errors, "id", "name", "description", "when");
        var before = errors.Count;
        var id = ScoringJson.Text(el, "id", at, errors, required: true);
        if (id is not null && !IsValidId(id))
        {
            errors.Add(new FieldError($"{at}/id", $"use 1 to {MaxIdLength} lowercase letters, digits, '_' or '-' (it names the tag segment:<id>)"));
        }
        var name = ScoringJson.Text(el, "name", at, errors, required: false) ?? id;
        var description = ScoringJson.Text(el, "description", at, errors, required: false);
        RuleCondition? when = null;
        if (!el.TryGetProperty("when", out var w))
        {
            errors.Add(new FieldError($"{at}/when", "is required: the condition a member's profile meets"));
        }
        else
        {
            when = RuleConditionJson.Read(w, $"{at}/when", errors, ScoringMetrics.Vocabulary);
        }
        return errors.Count > before ? null : new SegmentDefinition(id!, name!, description, when!);
    }

    public static bool IsValidId(string id) => id.Length is > 0 and <= MaxIdLength
        && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    public string ToJson() => ScoringJson.Write(Write);

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("name", Name);
        if (Description is not null)
        {
            w.WriteString("description", Description);
        }
        w.WritePropertyName("when");
        RuleConditionJson.Write(w, When);
        w.WriteEndObject();
    }
}

/// <summary>The segments a refresh maintains: read from a JSON array of segments (or one segment object).</summary>
public sealed class SegmentSet
{
    /// <summary>Examples that run on any store; a shop writes its own (docs/scoring.md).</summary>
    public const string DefaultJson = """
        [
          { "id": "rfm_champions", "name": "RFM champions",
            "when": { "metric": "rfmSegment", "op": "==", "value": "Champions" } },
          { "id": "win_back", "name": "Repeat buyers gone quiet",
            "description": "Two or more orders, none in the last 90 days",
            "when": { "all": [ { "metric": "orders", "op": ">=", "value": 2 },
                               { "metric": "daysSinceLastOrder", "op": ">", "value": 90 } ] } },
          { "id": "new_buyers", "name": "First order in the last 30 days",
            "when": { "all": [ { "metric": "orders", "op": "==", "value": 1 },
                               { "metric": "daysSinceLastOrder", "op": "<=", "value": 30 } ] } },
          { "id": "browsing_not_buying", "name": "Viewing products this week, never ordered",
            "when": { "all": [ { "event": "Product Viewed", "withinDays": 7, "op": ">=", "value": 3 },
                               { "metric": "orders", "op": "==", "value": 0 } ] } }
        ]
        """;

    public SegmentSet(IEnumerable<SegmentDefinition> segments)
    {
        Segments = [.. segments];
        if (Segments.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count() != Segments.Length)
        {
            throw new ArgumentException("segment ids must be distinct", nameof(segments));
        }
    }

    public ImmutableArray<SegmentDefinition> Segments { get; }

    public static SegmentSet Default { get; } = Parse(DefaultJson) is { IsValid: true } d ? d.Value! : throw new InvalidOperationException("the default segments are invalid");

    public static Validated<SegmentSet> Parse(string json) => ScoringJson.Parse(json, (root, errors) =>
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            return SegmentDefinition.Read(root, "", errors) is { } one ? new SegmentSet([one]) : null;
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError("", "expected an array of segments or one segment object"));
            return null;
        }
        var list = new List<SegmentDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var el in root.EnumerateArray())
        {
            var at = $"/{i++}";
            if (SegmentDefinition.Read(el, at, errors) is { } segment)
            {
                if (!ids.Add(segment.Id))
                {
                    errors.Add(new FieldError($"{at}/id", $"duplicate segment id '{segment.Id}'"));
                }
                list.Add(segment);
            }
        }
        return errors.Count > 0 ? null : new SegmentSet(list);
    });

    public string ToJson() => ScoringJson.Write(w =>
    {
        w.WriteStartArray();
        foreach (var s in Segments)
        {
            s.Write(w);
        }
        w.WriteEndArray();
    });
}

public enum SegmentChange { Entered, Left }

/// <summary>
/// A customer entering or leaving a segment: what journeys start from. Tracked as "Segment Entered" / "Segment Left".
/// <see cref="MessageId"/> is derived from the segment, customer, change and instant, so a replayed refresh yields the
/// same ids and consumers can drop duplicates.
/// </summary>
public sealed record SegmentMembershipEvent(string MessageId, CustomerId Customer, string SegmentId, string SegmentName, SegmentChange Change, DateTimeOffset At)
{
    public const string EnteredName = "Segment Entered";

    public const string LeftName = "Segment Left";

    /// <summary>The track event name.</summary>
    public string Name => Change == SegmentChange.Entered ? EnteredName : LeftName;

    public static SegmentMembershipEvent Create(CustomerId customer, string segmentId, string segmentName, SegmentChange change, DateTimeOffset at)
    {
        var seed = $"{segmentId}|{customer.Value}|{change}|{at.UtcTicks}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        return new SegmentMembershipEvent("seg_" + Convert.ToHexStringLower(hash[..12]), customer, segmentId, segmentName, change, at);
    }
}

/// <summary>How many profiles a segment would hold now: the count shown before a segment is saved.</summary>
public sealed record SegmentPreviewResult(string SegmentId, int Matching, int Profiles)
{
    public double Share => Profiles == 0 ? 0 : (double)Matching / Profiles;
}

public static class SegmentMembership
{
    /// <summary>
    /// Brings a profile's membership tags in line with <paramref name="segments"/> at <paramref name="now"/>: a tag for
    /// each segment it meets, none for the others, and none left for segments no longer defined. Returns the same
    /// profile instance when nothing changed, with one event per change.
    /// </summary>
    public static (Profile Profile, ImmutableArray<SegmentMembershipEvent> Events) Apply(Profile profile, SegmentSet segments, DateTimeOffset now)
    {
        var tags = profile.Tags;
        var events = ImmutableArray.CreateBuilder<SegmentMembershipEvent>();
        foreach (var segment in segments.Segments)
        {
            var member = segment.Contains(profile, now);
            var was = tags.ContainsKey(segment.Tag);
            if (member != was)
            {
                tags = ScoringTags.Set(tags, segment.Tag, member ? "true" : null, ScoringTags.SegmentFamily, now);
                events.Add(SegmentMembershipEvent.Create(profile.Id, segment.Id, segment.Name, member ? SegmentChange.Entered : SegmentChange.Left, now));
            }
        }
        foreach (var stale in profile.Tags.Keys.Where(k => k.StartsWith(ScoringTags.SegmentPrefix, StringComparison.Ordinal)))
        {
            var id = stale[ScoringTags.SegmentPrefix.Length..];
            if (!segments.Segments.Any(s => s.Id == id))
            {
                tags = tags.Remove(stale);
                events.Add(SegmentMembershipEvent.Create(profile.Id, id, id, SegmentChange.Left, now));
            }
        }
        return (tags == profile.Tags ? profile : profile with { Tags = tags }, events.ToImmutable());
    }

    /// <summary>Entered and left between two memberships of one segment (e.g. yesterday's and today's).</summary>
    public static ImmutableArray<SegmentMembershipEvent> Diff(SegmentDefinition segment, IEnumerable<CustomerId> before, IEnumerable<CustomerId> after, DateTimeOffset at)
    {
        var was = before.ToHashSet();
        var now = after.ToHashSet();
        return
        [
            .. now.Where(c => !was.Contains(c)).Order(CustomerOrder.Instance)
                .Select(c => SegmentMembershipEvent.Create(c, segment.Id, segment.Name, SegmentChange.Entered, at)),
            .. was.Where(c => !now.Contains(c)).Order(CustomerOrder.Instance)
                .Select(c => SegmentMembershipEvent.Create(c, segment.Id, segment.Name, SegmentChange.Left, at)),
        ];
    }

    public static SegmentPreviewResult Preview(SegmentDefinition segment, IEnumerable<Profile> profiles, DateTimeOffset now)
    {
        int matching = 0, total = 0;
        foreach (var profile in profiles)
        {
            total++;
            matching += segment.Contains(profile, now) ? 1 : 0;
        }
        return new SegmentPreviewResult(segment.Id, matching, total);
    }

    public static async Task<SegmentPreviewResult> PreviewAsync(SegmentDefinition segment, IAsyncEnumerable<Profile> profiles, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int matching = 0, total = 0;
        await foreach (var profile in profiles.WithCancellation(cancellationToken))
        {
            total++;
            matching += segment.Contains(profile, now) ? 1 : 0;
        }
        return new SegmentPreviewResult(segment.Id, matching, total);
    }

    private sealed class CustomerOrder : IComparer<CustomerId>
    {
        public static readonly CustomerOrder Instance = new();

        public int Compare(CustomerId x, CustomerId y) => string.CompareOrdinal(x.Value, y.Value);
    }
}
