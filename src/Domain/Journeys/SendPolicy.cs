using System.Collections.Immutable;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>Stable codes for why a send was held back or dropped, as the step log and the simulator report them.</summary>
public static class SuppressionReasons
{
    public const string NoConsent = "no-consent";
    public const string FrequencyCap = "frequency-cap";
    public const string DeferralExpired = "deferral-expired";
    public const string OfferAlreadySent = "offer-already-sent";
    public const string QuietHours = "quiet-hours";
    public const string BestTime = "best-time";
    public const string RateLimit = "rate-limit";
    public const string UnusableContact = "contact-unusable";
}

/// <summary>The policy's answer for one send. A closed hierarchy.</summary>
public abstract record SendVerdict;

/// <summary>Send on <see cref="Channel"/> (perhaps a fallback) with <see cref="Offer"/> (perhaps the campaign's), not before the slot.</summary>
public sealed record SendAllowed(Channel Channel, string? Offer, DateTimeOffset NotBefore, string? Note) : SendVerdict;

/// <summary>Hold the send until <see cref="Until"/> (quiet hours, best time, a rate slot inside quiet hours), then ask again.</summary>
public sealed record SendDeferred(DateTimeOffset Until, string Reason, string Detail) : SendVerdict;

/// <summary>Do not send; the journey goes on.</summary>
public sealed record SendSuppressed(string Reason, string Detail) : SendVerdict;

/// <summary>
/// Throttling and timing, pure: consent, one consistent offer per campaign, quiet hours and send-time optimisation
/// (deferral, with a limit), frequency caps per customer (all channels and per channel, rolling windows, by tier, plus
/// the journey's own), and the channel's rate-limit slot. Transactional messages skip caps, quiet hours and best time.
/// </summary>
public static class SendPolicy
{
    /// <summary>
    /// The verdict for <paramref name="node"/>. <paramref name="deferredSince"/> is when this send was first held back
    /// (null on its first evaluation); <paramref name="earlier"/> are the messages already decided in the same step (they
    /// count towards caps and rate slots).
    /// </summary>
    public static SendVerdict Evaluate(
        SendNode node,
        JourneyDefinition definition,
        Profile profile,
        PolicyContext context,
        DateTimeOffset now,
        TimeZoneInfo zone,
        DateTimeOffset? deferredSince,
        IReadOnlyList<SentMessage> earlier)
    {
        var policy = context.Policy;
        var history = context.History.IsDefault ? [] : context.History;
        var channels = node.Fallback.IsDefault ? 1 : node.Fallback.Length + 1;
        // Consent first: with no channel allowed there is nothing to wait for.
        var anyConsent = false;
        for (var i = 0; i < channels && !anyConsent; i++)
        {
            anyConsent = Consented(profile, ChannelAt(node, i), node.Transactional);
        }
        if (!anyConsent)
        {
            if (Enumerable.Range(0, channels).Any(i => profile.Unusable.ContainsKey(ChannelAt(node, i).Name())))
            {
                return new SendSuppressed(SuppressionReasons.UnusableContact, $"no usable contact point or consent on {List(node)}");
            }
            return new SendSuppressed(SuppressionReasons.NoConsent,
                node.Transactional ? $"service messages withdrawn on {List(node)}" : $"no marketing consent on {List(node)}");
        }

        var offer = node.Offer;
        string? note = null;
        if (offer is not null)
        {
            SentMessage? campaignOffer = null;
            for (var i = 0; i < history.Length + earlier.Count; i++)
            {
                var sent = i < history.Length ? history[i] : earlier[i - history.Length];
                if (sent.Offer == offer && sent.JourneyId != definition.Id)
                {
                    return new SendSuppressed(SuppressionReasons.OfferAlreadySent, $"offer {offer} was already sent by journey {sent.JourneyId}");
                }
                if (sent.Offer is not null && sent.Offer != offer && sent.Campaign == definition.CampaignId && (campaignOffer is null || sent.At > campaignOffer.At))
                {
                    campaignOffer = sent;
                }
            }
            if (campaignOffer is not null)
            {
                note = $"offer {offer} replaced by {campaignOffer.Offer}, the offer this customer already has in campaign {definition.CampaignId}";
                offer = campaignOffer.Offer;
            }
        }

        var caps = node.Transactional ? [] : policy.CapsFor(profile);
        if (!node.Transactional)
        {
            if (deferredSince is { } since && now - since > policy.MaxDeferral)
            {
                return new SendSuppressed(SuppressionReasons.DeferralExpired,
                    $"held back since {JourneyText.Instant(TimeZoneInfo.ConvertTime(since, zone))}, longer than the {JourneyText.Duration(policy.MaxDeferral)} limit");
            }
            if (node.BestTimeWithin is { } within && deferredSince is null)
            {
                var best = BestTime(now, within, zone, context.Activity ?? ActivityHistogram.Empty, policy);
                if (best > now)
                {
                    return new SendDeferred(best, SuppressionReasons.BestTime, $"held for the customer's most active hour, {JourneyText.Instant(TimeZoneInfo.ConvertTime(best, zone))}");
                }
            }
            var allowed = policy.QuietHours.NextAllowed(now, zone);
            if (allowed > now)
            {
                return new SendDeferred(allowed, SuppressionReasons.QuietHours,
                    $"quiet hours {JourneyText.Time(policy.QuietHours.From)}–{JourneyText.Time(policy.QuietHours.To)} in {zone.Id}; held until {JourneyText.Instant(TimeZoneInfo.ConvertTime(allowed, zone))}");
            }
            if ((Capped(caps, null, history, earlier, now) ?? Capped(definition.FrequencyCaps, null, history, earlier, now)) is { } cap)
            {
                return new SendSuppressed(SuppressionReasons.FrequencyCap, $"cap of {cap.Describe()} reached");
            }
        }

        // The first channel with consent and room under its own caps; the primary's reason when none has.
        string? channelCap = null;
        for (var i = 0; i < channels; i++)
        {
            var channel = ChannelAt(node, i);
            if (!Consented(profile, channel, node.Transactional))
            {
                continue;
            }
            if (!node.Transactional && (Capped(caps, channel, history, earlier, now) ?? Capped(definition.FrequencyCaps, channel, history, earlier, now)) is { } cap)
            {
                channelCap ??= $"cap of {cap.Describe()} reached";
                continue;
            }
            var slot = Slot(channel, context, earlier, now, policy);
            if (slot > now && !node.Transactional && policy.QuietHours.NextAllowed(slot, zone) is var open && open > slot)
            {
                return new SendDeferred(open, SuppressionReasons.RateLimit, $"the {channel.Name()} rate slot falls in quiet hours; held until {JourneyText.Instant(TimeZoneInfo.ConvertTime(open, zone))}");
            }
            if (channel != node.Channel)
            {
                note = (note is null ? "" : note + "; ") + $"sent on {channel.Name()} instead of {node.Channel.Name()}";
            }
            return new SendAllowed(channel, offer, slot, note);
        }
        return new SendSuppressed(SuppressionReasons.FrequencyCap, channelCap ?? "no channel available");
    }

    /// <summary>
    /// The customer's best moment within <paramref name="within"/>: now, or the start of a later local hour, whichever has
    /// the highest smoothed activity share, outside quiet hours; the earliest wins a tie.
    /// </summary>
    public static DateTimeOffset BestTime(DateTimeOffset now, TimeSpan within, TimeZoneInfo zone, ActivityHistogram activity, ThrottlePolicy policy)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var best = now;
        var bestScore = policy.QuietHours.Contains(TimeOnly.FromDateTime(local.DateTime)) ? double.NegativeInfinity
            : activity.Share(local.Hour, policy.FallbackActivity, policy.ActivitySmoothing);
        var hourStart = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
        for (var candidate = hourStart.AddHours(1); candidate <= now + within; candidate = candidate.AddHours(1))
        {
            var at = TimeZoneInfo.ConvertTime(candidate, zone);
            if (policy.QuietHours.Contains(TimeOnly.FromDateTime(at.DateTime)))
            {
                continue;
            }
            var score = activity.Share(at.Hour, policy.FallbackActivity, policy.ActivitySmoothing);
            if (score > bestScore + 1e-12)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>The first cap in <paramref name="caps"/> for <paramref name="channel"/> (null = the all-channel caps) that is full.</summary>
    public static CapRule? Capped(ImmutableArray<CapRule> caps, Channel? channel, ImmutableArray<SentMessage> history, IReadOnlyList<SentMessage> earlier, DateTimeOffset now)
    {
        if (caps.IsDefault)
        {
            return null;
        }
        foreach (var cap in caps)
        {
            if (cap.Channel != channel)
            {
                continue;
            }
            var from = now - cap.Window;
            var count = 0;
            foreach (var sent in history)
            {
                if (!sent.Transactional && sent.At > from && (channel is null || sent.Channel == channel))
                {
                    count++;
                }
            }
            for (var i = 0; i < earlier.Count; i++)
            {
                var sent = earlier[i];
                if (!sent.Transactional && sent.At > from && (channel is null || sent.Channel == channel))
                {
                    count++;
                }
            }
            if (count >= cap.Max)
            {
                return cap;
            }
        }
        return null;
    }

    /// <summary>The channel's earliest slot at or after now, after the messages already given slots in this step.</summary>
    public static DateTimeOffset Slot(Channel channel, PolicyContext context, IReadOnlyList<SentMessage> earlier, DateTimeOffset now, ThrottlePolicy policy)
    {
        var slot = !context.NextFreeSlot.IsEmpty && context.NextFreeSlot.TryGetValue(channel, out var free) && free > now ? free : now;
        for (var i = 0; i < earlier.Count; i++)
        {
            if (earlier[i].Channel == channel && earlier[i].At >= slot)
            {
                slot = SendRate.After(earlier[i].At, channel, policy);
            }
        }
        return slot;
    }

    /// <summary>Consent (an opt-in for marketing, no opt-out for service) and a contact point not marked unusable.</summary>
    public static bool Consented(Profile profile, Channel channel, bool transactional) =>
        !profile.Unusable.ContainsKey(channel.Name()) && (profile.Consent.TryGetValue(channel.ConsentKey(transactional), out var consent)
            ? consent.Granted
            : transactional); // service messages need no opt-in, only no opt-out; marketing needs an opt-in

    /// <summary>The node's channel (0) or its fallbacks (1…).</summary>
    private static Channel ChannelAt(SendNode node, int i) => i == 0 ? node.Channel : node.Fallback[i - 1];

    private static string List(SendNode node) => string.Join(", ", node.Fallback.IsDefault ? [node.Channel.Name()] : node.Fallback.Prepend(node.Channel).Select(c => c.Name()));
}

/// <summary>Per-channel send-rate limits: the slot after a message is 1/rate later.</summary>
public static class SendRate
{
    public static DateTimeOffset After(DateTimeOffset slot, Channel channel, ThrottlePolicy policy) =>
        policy.SendRatePerSecond.TryGetValue(channel, out var rate) && rate > 0 ? slot + TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / rate)) : slot;
}
