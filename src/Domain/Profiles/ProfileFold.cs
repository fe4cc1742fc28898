using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;

namespace Lodestar.Profiles;

/// <summary>Folds events into profiles and profiles into each other. Pure; the ingest use case persists the result.</summary>
public static class ProfileFold
{
    /// <summary>A gap longer than this between two events starts a new session.</summary>
    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    private static readonly HashSet<string> CartEvents = new(StringComparer.OrdinalIgnoreCase)
    {
        "Product Added", "add_to_cart", "cart_updated", "Cart Updated", "addToCart",
    };

    private static readonly HashSet<string> SearchEvents = new(StringComparer.OrdinalIgnoreCase)
    {
        "Products Searched", "search", "Search",
    };

    public static Profile Start(CustomerId id, DateTimeOffset at) => new() { Id = id, FirstSeen = at, LastSeen = at };

    public static Profile Apply(Profile profile, CustomerEvent e)
    {
        var c = profile.Counters;
        var newSession = profile.Counters.Events == 0 || e.Timestamp - profile.LastSeen > SessionGap;
        c = c with
        {
            Events = c.Events + 1,
            Sessions = c.Sessions + (newSession ? 1 : 0),
            PageViews = c.PageViews + (e.Type is EventType.Page or EventType.Screen ? 1 : 0),
            DwellSeconds = c.DwellSeconds + Dwell(e),
            Searches = c.Searches + (e.Type == EventType.Track && SearchEvents.Contains(e.Name ?? "") ? 1 : 0),
        };
        if (e.Type == EventType.Track && CartEvents.Contains(e.Name ?? ""))
        {
            c = c with { CartAdds = c.CartAdds + 1, LastCartAt = Counters.Max(c.LastCartAt, e.Timestamp) };
        }
        var categories = profile.Categories;
        if (e.Order is { } order)
        {
            c = ApplyOrder(c, order, e.Timestamp);
            if (!order.IsCancellation)
            {
                foreach (var line in order.Lines.Where(l => l.Category is not null))
                {
                    categories = categories.SetItem(line.Category!, categories.GetValueOrDefault(line.Category!) + line.Quantity);
                }
            }
        }
        if (e.Contact is { } contact)
        {
            c = c with { ServiceContacts = c.ServiceContacts + 1, Complaints = c.Complaints + (contact.IsComplaint ? 1 : 0) };
        }
        return profile with
        {
            FirstSeen = e.Timestamp < profile.FirstSeen ? e.Timestamp : profile.FirstSeen,
            LastSeen = e.Timestamp > profile.LastSeen ? e.Timestamp : profile.LastSeen,
            Identities = AddIdentities(profile.Identities, e),
            Traits = e.Traits.IsEmpty ? profile.Traits : profile.Traits.SetItems(e.Traits),
            Counters = c,
            Categories = categories,
            RecentEvents = AddRecent(profile.RecentEvents, e),
            Consent = ApplyConsent(profile.Consent, e),
            Unusable = ApplyReachability(profile, e),
            Contacts = ApplyContacts(profile.Contacts, e),
        };
    }

    /// <summary>
    /// Joins <paramref name="loser"/> into <paramref name="survivor"/>: counters add, the earlier first-seen and later
    /// last-seen win, the survivor's traits win and the loser's fill gaps, the later consent decision wins.
    /// </summary>
    public static Profile Merge(Profile survivor, Profile loser) => survivor with
    {
        FirstSeen = loser.FirstSeen < survivor.FirstSeen ? loser.FirstSeen : survivor.FirstSeen,
        LastSeen = loser.LastSeen > survivor.LastSeen ? loser.LastSeen : survivor.LastSeen,
        Identities = [.. survivor.Identities.Union(loser.Identities).Order(IdentityOrder.Instance)],
        Traits = loser.Traits.SetItems(survivor.Traits),
        Counters = survivor.Counters + loser.Counters,
        Categories = loser.Categories.Aggregate(survivor.Categories, (acc, kv) => acc.SetItem(kv.Key, acc.GetValueOrDefault(kv.Key) + kv.Value)),
        RecentEvents = [.. survivor.RecentEvents.Concat(loser.RecentEvents).OrderByDescending(r => r.Timestamp).ThenBy(r => r.MessageId, StringComparer.Ordinal).Take(Profile.RecentEventCount)],
        Consent = loser.Consent.Aggregate(survivor.Consent, (acc, kv) =>
            acc.TryGetValue(kv.Key, out var mine) && mine.At >= kv.Value.At ? acc : acc.SetItem(kv.Key, kv.Value)),
        Unusable = loser.Unusable.SetItems(survivor.Unusable),
        Contacts = loser.Contacts.Aggregate(survivor.Contacts, (acc, c) => KeepLatest(acc, c, candidateWinsTies: false)),
        MergedFrom = [.. survivor.MergedFrom, .. loser.MergedFrom, loser.Id],
    };

    private static Counters ApplyOrder(Counters c, Order order, DateTimeOffset at) => order.IsCancellation
        ? c with { Cancellations = c.Cancellations + 1, RefundMinor = c.RefundMinor + order.AmountMinor }
        : c with
        {
            Orders = c.Orders + 1,
            SpendMinor = c.SpendMinor + order.AmountMinor,
            DiscountedOrders = c.DiscountedOrders + (order.DiscountMinor > 0 ? 1 : 0),
            FirstOrderAt = Counters.Min(c.FirstOrderAt, at),
            LastOrderAt = Counters.Max(c.LastOrderAt, at),
        };

    private static long Dwell(CustomerEvent e)
    {
        foreach (var key in new[] { "dwellSeconds", "dwell_seconds", "duration" })
        {
            if (e.Properties.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d is > 0 and < 86_400)
            {
                return (long)d;
            }
        }
        return 0;
    }

    private static ImmutableArray<IdentityView> AddIdentities(ImmutableArray<IdentityView> current, CustomerEvent e)
    {
        List<IdentityView>? added = null;
        foreach (var id in e.Ids)
        {
            var view = new IdentityView(id.Kind, id.Display);
            if (!current.Contains(view) && added?.Contains(view) != true)
            {
                (added ??= []).Add(view);
            }
        }
        return added is null ? current : [.. current.Concat(added).Order(IdentityOrder.Instance)];
    }

    private static ImmutableArray<EventSummary> AddRecent(ImmutableArray<EventSummary> recent, CustomerEvent e)
    {
        var summary = new EventSummary(e.MessageId, e.Type.ToString().ToLowerInvariant(), e.Name ?? e.Order?.OrderId, e.Timestamp, e.Source);
        if (recent.Length >= Profile.RecentEventCount && e.Timestamp < recent[^1].Timestamp)
        {
            return recent;
        }
        var index = 0;
        while (index < recent.Length && recent[index].Timestamp >= e.Timestamp)
        {
            index++;
        }
        var next = recent.Insert(index, summary);
        return next.Length > Profile.RecentEventCount ? next.RemoveAt(next.Length - 1) : next;
    }

    /// <summary>Track "Consent Updated" with properties channel, purpose and granted sets consent per channel and purpose.</summary>
    private static ImmutableSortedDictionary<string, ConsentState> ApplyConsent(ImmutableSortedDictionary<string, ConsentState> consent, CustomerEvent e)
    {
        if (e.Type != EventType.Track || !string.Equals(e.Name, ConsentEvent.Name, StringComparison.OrdinalIgnoreCase)
            || !ConsentEvent.TryRead(e.Properties, out var key, out var granted))
        {
            return consent;
        }
        return consent.TryGetValue(key, out var current) && current.At > e.Timestamp
            ? consent
            : consent.SetItem(key, new ConsentState(granted, e.Timestamp, e.Source));
    }

    /// <summary>
    /// A hard bounce ("Message Bounced" with <c>hard: true</c>) marks its channel's contact point unusable; a new phone or
    /// email on the profile makes the sms or email channel usable again.
    /// </summary>
    private static ImmutableSortedDictionary<string, UnusableContact> ApplyReachability(Profile profile, CustomerEvent e)
    {
        var unusable = profile.Unusable;
        if (e.Type == EventType.Track && Engagement.EngagementEvents.TryReadHardBounce(e.Name, e.Properties, out var channel))
        {
            var reason = e.Properties.TryGetValue("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "bounced";
            return unusable.ContainsKey(channel) ? unusable : unusable.SetItem(channel, new UnusableContact(e.Timestamp, reason));
        }
        if (unusable.IsEmpty)
        {
            return unusable;
        }
        foreach (var id in e.Ids)
        {
            var cleared = id.Kind switch { Identity.IdKind.Phone => "sms", Identity.IdKind.Email => "email", _ => null };
            if (cleared is not null && unusable.TryGetValue(cleared, out var mark) && e.Timestamp > mark.At
                && !profile.Identities.Contains(new IdentityView(id.Kind, id.Display)))
            {
                unusable = unusable.Remove(cleared);
            }
        }
        return unusable;
    }

    /// <summary>Each sealed phone or email of the event becomes the contact point of its kind unless a later one is known.</summary>
    private static ImmutableArray<ContactPoint> ApplyContacts(ImmutableArray<ContactPoint> contacts, CustomerEvent e)
    {
        foreach (var id in e.Ids)
        {
            if (id.Sealed is { } sealedText)
            {
                contacts = KeepLatest(contacts, new ContactPoint(id.Kind, sealedText, e.Timestamp), candidateWinsTies: true);
            }
        }
        return contacts;
    }

    /// <summary>
    /// <paramref name="candidate"/> replaces the contact point of its kind when it is more recent, or as recent and
    /// <paramref name="candidateWinsTies"/> (the later-applied event; in a merge the survivor keeps its own). Unchanged
    /// input is returned as is, so the common case (the same address again) allocates nothing.
    /// </summary>
    private static ImmutableArray<ContactPoint> KeepLatest(ImmutableArray<ContactPoint> contacts, ContactPoint candidate, bool candidateWinsTies)
    {
        for (var i = 0; i < contacts.Length; i++)
        {
            var current = contacts[i];
            if (current.Kind != candidate.Kind)
            {
                continue;
            }
            if (current.At > candidate.At || (current.At == candidate.At && (!candidateWinsTies || current.Sealed == candidate.Sealed)))
            {
                return contacts;
            }
            return contacts.SetItem(i, candidate);
        }
        var index = 0;
        while (index < contacts.Length && contacts[index].Kind < candidate.Kind)
        {
            index++;
        }
        return contacts.Insert(index, candidate);
    }

    private sealed class IdentityOrder : IComparer<IdentityView>
    {
        public static readonly IdentityOrder Instance = new();

        public int Compare(IdentityView? x, IdentityView? y) =>
            x!.Kind != y!.Kind ? x.Kind.CompareTo(y.Kind) : string.CompareOrdinal(x.Display, y.Display);
    }
}
