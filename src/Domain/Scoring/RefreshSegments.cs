using System.Collections.Immutable;
using Lodestar.Profiles;

namespace Lodestar.Scoring;

/// <summary>One segment after a refresh: members now, and how many entered and left in this run.</summary>
public sealed record SegmentCount(string SegmentId, string Name, int Members, int Entered, int Left);

/// <summary>What a segment refresh did, with the entered/left events of the profiles it saved.</summary>
public sealed record SegmentRunReport(int Profiles, int Changed, int Unsaved, ImmutableArray<SegmentCount> Segments, ImmutableArray<SegmentMembershipEvent> Events);

/// <summary>
/// The daily segment refresh: each profile's <c>segment:&lt;id&gt;</c> tags brought in line with the definitions at
/// an instant, and an event for every entry and exit, returned for the journeys to start from. Events are returned
/// only for profiles actually saved, so they match the stored membership. A second run at the same instant changes
/// nothing and returns no events.
/// </summary>
public sealed class RefreshSegments(IProfileStore store, SegmentSet segments)
{
    public async Task<SegmentRunReport> RunAsync(DateTimeOffset now, IProgress<ScoringProgress>? progress, CancellationToken cancellationToken)
    {
        var events = ImmutableArray.CreateBuilder<SegmentMembershipEvent>();
        var members = segments.Segments.ToDictionary(s => s.Id, _ => 0, StringComparer.Ordinal);
        var writer = new ProfileBatchWriter<ImmutableArray<SegmentMembershipEvent>>(
            store, p => SegmentMembership.Apply(p, segments, now), events.AddRange);
        var read = 0;
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            if (++read % 1_000 == 0)
            {
                progress?.Report(new ScoringProgress("segmenting", read, null));
            }
            var (next, changes) = SegmentMembership.Apply(profile, segments, now);
            foreach (var segment in segments.Segments)
            {
                if (next.Tags.ContainsKey(segment.Tag))
                {
                    members[segment.Id]++;
                }
            }
            if (!ReferenceEquals(next, profile))
            {
                await writer.AddAsync(next, changes, cancellationToken);
            }
        }
        await writer.FlushAsync(cancellationToken);
        progress?.Report(new ScoringProgress("segmenting", read, read));
        var all = events.ToImmutable();
        var counts = segments.Segments.Select(s => new SegmentCount(s.Id, s.Name, members[s.Id],
            all.Count(e => e.SegmentId == s.Id && e.Change == SegmentChange.Entered),
            all.Count(e => e.SegmentId == s.Id && e.Change == SegmentChange.Left)));
        return new SegmentRunReport(read, writer.Saved, writer.Unsaved, [.. counts], all);
    }
}
