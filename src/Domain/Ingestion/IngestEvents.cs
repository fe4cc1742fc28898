using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Profiles;
using Lodestar.Tags;

namespace Lodestar.Ingestion;

/// <summary>
/// The ingest use case, shared by the Event Hubs trigger and the standalone queue: drops what is already known, detects
/// duplicate content, resolves identity (merging customers when an event proves two are one), folds the event into the
/// profile, applies the real-time tag rules and commits the batch atomically.
/// </summary>
public sealed class IngestEvents(IIngestStore store, TagRuleSet tagRules, TimeProvider time)
{
    private readonly TagRule[] _realtime = [.. tagRules.For(TagCadence.Realtime)];

    public async Task<IngestReport> IngestAsync(IReadOnlyList<CleanResult> batch, CancellationToken cancellationToken)
    {
        var contents = batch.Select(r => Fingerprint.Content(r.Event)).ToArray();
        var keys = new IngestKeys(
            batch.Select(r => r.Event.MessageId).ToHashSet(StringComparer.Ordinal),
            batch.SelectMany((r, i) => FingerprintKeys(contents[i], r.Event.Timestamp)).ToHashSet(StringComparer.Ordinal),
            batch.SelectMany(r => GraphKeys(r.Event)).ToHashSet(StringComparer.Ordinal));
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.LoadAsync(keys, cancellationToken);
            var work = new Batch(snapshot, time.GetUtcNow());
            var items = ImmutableArray.CreateBuilder<ItemResult>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                items.Add(work.Decide(batch[i], contents[i], _realtime));
            }
            try
            {
                await store.CommitAsync(work.Changes(), cancellationToken);
                return new IngestReport(items.MoveToImmutable(), work.MergeCount);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Another writer saved one of these profiles meanwhile: decide the batch again on fresh state.
            }
        }
    }

    private const int MaxAttempts = 5;

    private static IEnumerable<string> FingerprintKeys(string content, DateTimeOffset at)
    {
        var w = Fingerprint.Window(at);
        return [Fingerprint.Exact(content, at), Fingerprint.Near(content, w - 1), Fingerprint.Near(content, w), Fingerprint.Near(content, w + 1)];
    }

    private static IEnumerable<string> GraphKeys(CustomerEvent e) =>
        e.PreviousId is null ? e.Ids.Select(i => i.GraphKey) : e.Ids.Append(e.PreviousId).Select(i => i.GraphKey);

    /// <summary>The working set of one batch: decisions see the effects of earlier items in the same batch.</summary>
    private sealed class Batch(IngestSnapshot snapshot, DateTimeOffset now)
    {
        private readonly HashSet<string> _messages = new(snapshot.KnownMessageIds, StringComparer.Ordinal);
        private readonly HashSet<string> _fingerprints = new(snapshot.KnownFingerprints, StringComparer.Ordinal);
        private readonly HashSet<string> _newFingerprints = new(StringComparer.Ordinal);
        private readonly Dictionary<string, CustomerId> _links = new(snapshot.Links, StringComparer.Ordinal);
        private readonly List<(string, CustomerId, Identifier)> _newLinks = [];
        private readonly Dictionary<CustomerId, Profile> _profiles = new(snapshot.Profiles);
        private readonly HashSet<CustomerId> _dirty = [];
        private readonly Dictionary<CustomerId, CustomerId> _mergedInto = [];
        private readonly List<StoredEvent> _events = [];
        private readonly List<QuarantineEntry> _quarantine = [];
        private readonly List<MergeRecord> _merges = [];

        public int MergeCount => _merges.Count;

        public IngestChanges Changes()
        {
            var newLinks = _newLinks.Select(l => (l.Item1, Resolve(l.Item2), l.Item3)).ToList();
            return new IngestChanges(_events, _quarantine, newLinks, _merges,
                [.. _dirty.Where(_profiles.ContainsKey).Select(id => _profiles[id])], _newFingerprints);
        }

        public ItemResult Decide(CleanResult result, string content, IReadOnlyList<TagRule> realtime)
        {
            var e = result.Event;
            if (!_messages.Add(e.MessageId))
            {
                return new ItemResult(e.MessageId, Outcome.Duplicate, null, []);
            }
            var duplicate = DuplicateReason(content, e.Timestamp);
            if (result.Quarantined || duplicate is not null)
            {
                var reasons = result.Findings.Where(f => f.Quarantines && f.Line < 0).Select(f => f.Code).ToList();
                if (duplicate is not null)
                {
                    reasons.Insert(0, duplicate);
                }
                if (reasons.Count == 0)
                {
                    reasons.AddRange(result.QuarantinedLines.Select(f => f.Code).Distinct());
                }
                Quarantine(result, -1, reasons, string.Join("; ", result.Findings.Where(f => f.Quarantines).Select(f => f.Detail).Append(duplicate ?? "").Where(d => d.Length > 0)));
                return new ItemResult(e.MessageId, Outcome.Quarantined, null, [.. reasons]);
            }
            foreach (var line in result.QuarantinedLines.GroupBy(f => f.Line))
            {
                Quarantine(result, line.Key, [.. line.Select(f => f.Code)], string.Join("; ", line.Select(f => f.Detail)));
            }
            var customer = ResolveCustomer(e);
            var profile = _profiles.TryGetValue(customer, out var p) ? p : ProfileFold.Start(customer, e.Timestamp);
            profile = TagEngine.Apply(ProfileFold.Apply(profile, e), realtime, now);
            _profiles[customer] = profile;
            _dirty.Add(customer);
            _events.Add(new StoredEvent(customer, e));
            foreach (var key in (ReadOnlySpan<string>)[Fingerprint.Exact(content, e.Timestamp), Fingerprint.Near(content, Fingerprint.Window(e.Timestamp))])
            {
                _newFingerprints.Add(key);
                _fingerprints.Add(key);
            }
            return new ItemResult(e.MessageId, Outcome.Accepted, customer.Value,
                [.. result.Findings.Select(f => f.Code).Distinct()]);
        }

        private string? DuplicateReason(string content, DateTimeOffset at)
        {
            if (_fingerprints.Contains(Fingerprint.Exact(content, at)))
            {
                return Reasons.DuplicateContent;
            }
            var w = Fingerprint.Window(at);
            return _fingerprints.Contains(Fingerprint.Near(content, w - 1)) || _fingerprints.Contains(Fingerprint.Near(content, w))
                || _fingerprints.Contains(Fingerprint.Near(content, w + 1))
                ? Reasons.NearDuplicate : null;
        }

        private void Quarantine(CleanResult result, int line, IReadOnlyList<string> reasons, string detail) =>
            _quarantine.Add(new QuarantineEntry(result.Event.MessageId, line, result.Event.Source, reasons, detail,
                JsonSerializer.Serialize(result.Event, DomainJson.Options), now));

        /// <summary>
        /// Finds the event's customer. Identifiers already linked to different customers prove those customers are one,
        /// and they merge into the one seen first, unless both carry member ids: two members are never merged on a
        /// shared weaker identifier (a family tablet), and the event then belongs to its own member id.
        /// </summary>
        private CustomerId ResolveCustomer(CustomerEvent e)
        {
            var ids = e.PreviousId is null ? e.Ids : e.Ids.Add(e.PreviousId);
            var linked = ids.Select(i => _links.TryGetValue(i.GraphKey, out var c) ? Resolve(c) : (CustomerId?)null)
                .OfType<CustomerId>().Distinct().ToList();
            CustomerId customer;
            var mayLink = true;
            var member = ids.FirstOrDefault(i => i.Kind == IdKind.Member);
            // A member id seen for the first time is a member of its own: it may not join another member's customer either.
            var newMember = member is not null && !_links.ContainsKey(member.GraphKey) ? 1 : 0;
            if (linked.Count == 0)
            {
                var seed = ids.OrderBy(i => i.Kind).ThenBy(i => i.Key, StringComparer.Ordinal).First();
                customer = Resolve(CustomerId.DerivedFrom(seed.GraphKey));
            }
            else if (linked.Count(HasMemberId) + newMember > 1)
            {
                customer = member is null ? linked[0]
                    : _links.TryGetValue(member.GraphKey, out var m) ? Resolve(m) : Resolve(CustomerId.DerivedFrom(member.GraphKey));
                mayLink = false;
            }
            else
            {
                customer = linked.OrderBy(c => _profiles.TryGetValue(c, out var p) ? p.FirstSeen : DateTimeOffset.MaxValue)
                    .ThenBy(c => c.Value, StringComparer.Ordinal).First();
                foreach (var loser in linked.Where(c => c != customer))
                {
                    Merge(customer, loser, e, ids);
                }
            }
            foreach (var id in ids.Where(i => !_links.ContainsKey(i.GraphKey) && (mayLink || i.Kind == IdKind.Member)))
            {
                _links[id.GraphKey] = customer;
                _newLinks.Add((id.GraphKey, customer, id));
            }
            return customer;
        }

        private bool HasMemberId(CustomerId c) => _profiles.TryGetValue(c, out var p) && p.Identities.Any(i => i.Kind == IdKind.Member);

        private void Merge(CustomerId survivor, CustomerId loser, CustomerEvent e, ImmutableArray<Identifier> ids)
        {
            if (_profiles.Remove(loser, out var merged))
            {
                _profiles[survivor] = _profiles.TryGetValue(survivor, out var s) ? ProfileFold.Merge(s, merged) : merged with { Id = survivor };
            }
            _mergedInto[loser] = survivor;
            _dirty.Add(survivor);
            var via = ids.Where(i => _links.TryGetValue(i.GraphKey, out var c) && Resolve(c) == survivor).Select(i => $"{i.Kind}:{i.Display}").ToList();
            _merges.Add(new MergeRecord(survivor, loser, via, e.Type == EventType.Alias ? "alias" : e.Type == EventType.Identify ? "identify" : "shared identifier", e.Timestamp, e.MessageId));
        }

        private CustomerId Resolve(CustomerId id)
        {
            while (_mergedInto.TryGetValue(id, out var next))
            {
                id = next;
            }
            return id;
        }
    }
}
