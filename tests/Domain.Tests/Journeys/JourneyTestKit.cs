using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Journeys;
using Lodestar.Profiles;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Journeys;

/// <summary>Fixed instants: noon and evening in Shanghai (+08:00) on 2 March 2026, never "now".</summary>
internal static class Times
{
    /// <summary>12:00 in Shanghai: outside quiet hours, with a working afternoon ahead.</summary>
    public static readonly DateTimeOffset Noon = new(2026, 3, 2, 4, 0, 0, TimeSpan.Zero);

    /// <summary>22:30 in Shanghai: inside the default quiet hours (21:00–08:00).</summary>
    public static readonly DateTimeOffset LateEvening = new(2026, 3, 2, 14, 30, 0, TimeSpan.Zero);

    public static readonly TimeZoneInfo Shanghai = LocalTime.FixedOffset(TimeSpan.FromHours(8));
}

/// <summary>The sample journeys shipped in journeys/ and the templates they use.</summary>
internal static class Samples
{
    public static string Folder { get; } = FindFolder();

    public static readonly string[] Names =
    [
        "abandoned-cart", "membership-expiry", "birthday", "browse-and-leave", "new-customer-first-order", "dormant-wake-up",
        "churn-risk-retention", "high-value-care",
    ];

    public static TheoryData<string> All => [.. Names];

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name + ".json"));

    public static IReadOnlySet<string> Templates { get; } = LoadTemplates();

    public static JourneyValidationOptions Options => new(Templates);

    public static JourneyDefinition Load(string name)
    {
        var parsed = JourneyReader.Parse(Text(name), Options);
        Assert.True(parsed.IsValid, $"{name}: " + string.Join("; ", parsed.Errors));
        return parsed.Value!;
    }

    private static IReadOnlySet<string> LoadTemplates()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "templates.json")));
        return doc.RootElement.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "journeys");
            if (File.Exists(Path.Combine(candidate, "journey.schema.json")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("journeys/journey.schema.json not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Builders with named optional parameters for profiles, events and definitions.</summary>
internal static class JourneyBuild
{
    public static readonly string[] AllChannels = ["sms", "email", "push", "miniprogram"];

    public static Profile Customer(
        string seed = "alice",
        string[]? consent = null,
        DateTimeOffset? consentAt = null,
        string? tier = null,
        string[]? tags = null,
        (string Key, string Value)[]? traits = null,
        long orders = 0,
        DateTimeOffset? lastOrderAt = null) => new()
    {
        Id = CustomerId.DerivedFrom("member:" + seed),
        FirstSeen = Times.Noon.AddDays(-200),
        LastSeen = Times.Noon.AddDays(-1),
        Consent = (consent ?? AllChannels).ToImmutableSortedDictionary(c => $"marketing.{c}", _ => new ConsentState(true, consentAt ?? Times.Noon.AddDays(-100), "web"), StringComparer.Ordinal),
        Tags = (tags ?? []).Select(t => (t, "true")).Concat(tier is null ? [] : [("tier", tier)])
            .ToImmutableSortedDictionary(t => t.Item1, t => new TagValue(t.Item2, "test", Times.Noon.AddDays(-1)), StringComparer.Ordinal),
        Traits = (traits ?? []).ToImmutableSortedDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
        Counters = new Counters { Orders = orders, LastOrderAt = lastOrderAt, Events = 50 },
    };

    private static int _seq;

    public static CustomerEvent Event(string name, DateTimeOffset at, string? properties = null, EventType type = EventType.Track, string? id = null) => new()
    {
        MessageId = id ?? $"e-{Interlocked.Increment(ref _seq)}",
        Type = type,
        Name = name,
        Source = "web",
        Ids = [Pii.Member("M1")],
        Timestamp = at,
        SourceZone = "+08:00",
        Properties = Json.Bag(properties),
    };

    public static CustomerEvent CartAdd(DateTimeOffset at, string cartId = "cart-1", string? id = null) => Event("Product Added", at, $$"""{"cartId":"{{cartId}}","sku":"SKU-1"}""", id: id);

    public static CustomerEvent Purchase(DateTimeOffset at, string? id = null) => Event("Order Completed", at, """{"orderId":"W1","revenue":99}""", id: id);

    public static CustomerEvent ConsentChange(string channel, bool granted, DateTimeOffset at, string? id = null) =>
        Event(ConsentEvent.Name, at, $$"""{"channel":"{{channel}}","purpose":"marketing","granted":{{(granted ? "true" : "false")}}}""", id: id);

    public static Profile WithConsent(Profile p, string channel, bool granted, DateTimeOffset at) =>
        p with { Consent = p.Consent.SetItem($"marketing.{channel}", new ConsentState(granted, at, "web")) };

    public static JourneyDefinition Definition(string json) =>
        JourneyReader.Parse(json) is { IsValid: true } ok ? ok.Value! : throw new InvalidOperationException(string.Join("; ", JourneyReader.Parse(json).Errors));

    /// <summary>A minimal journey around the given nodes (JSON array text), started by API.</summary>
    public static JourneyDefinition Minimal(string nodes, string start = "a", string extra = "") => Definition($$"""
        { "id": "test", "version": 1, "name": "Test", "entry": { "type": "api" }, "start": "{{start}}", {{extra}} "nodes": {{nodes}} }
        """);

    public static JourneyState NewState(JourneyDefinition d, Profile p, string key = "k1") =>
        JourneyState.Create(d, JourneyIds.Instance(d.Id, p.Id, key), p.Id);

    public static string Iso(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// A tiny in-test driver: applies decisions like the real drivers do (profile reads answered at once from the current
/// profile, sends recorded in the customer's history) and keeps everything for assertions.
/// </summary>
internal sealed class TestDriver(JourneyDefinition definition, Profile profile, PolicyContext? policy = null)
{
    public JourneyState State { get; private set; } = JourneyBuild.NewState(definition, profile);

    public Profile Profile { get; set; } = profile;

    public PolicyContext Policy { get; set; } = policy ?? PolicyContext.Default;

    public List<JourneyCommand> Commands { get; } = [];

    public List<StepLogEntry> Log { get; } = [];

    public IEnumerable<Send> Sends => Commands.OfType<Send>();

    /// <summary>The last wait the instance asked for (the time a real driver would wake it).</summary>
    public DateTimeOffset? WakeAt => State.Wait?.Until;

    public Decision Feed(JourneyInput input, DateTimeOffset now)
    {
        Decision last;
        var pending = new Queue<JourneyInput>([input]);
        do
        {
            last = JourneyEngine.Decide(definition, State, pending.Dequeue(), now, Policy);
            State = last.State;
            Commands.AddRange(last.Commands);
            Log.AddRange(last.Log);
            foreach (var command in last.Commands)
            {
                switch (command)
                {
                    case FetchProfile:
                        pending.Enqueue(new ProfileSnapshot(Profile));
                        break;
                    case Send s:
                        Policy = Policy with { History = Policy.History.Add(new SentMessage(s.NotBefore, s.Channel, s.Transactional, s.JourneyId, s.Campaign, s.Offer)) };
                        break;
                }
            }
        }
        while (pending.Count > 0);
        return last;
    }

    public Decision Start(CustomerEvent? trigger, DateTimeOffset now) => Feed(new Started(trigger, Profile), now);

    /// <summary>Wakes the instance at its wait's end with the input a driver would send.</summary>
    public Decision Wake()
    {
        var at = WakeAt ?? throw new InvalidOperationException("the instance is not waiting");
        return Feed(State.Status == JourneyStatus.WaitingForEvent ? WaitTimedOut.Instance : TimerFired.Instance, at);
    }
}

/// <summary>A synthetic population for simulations: varied consent, tiers, tags, dates and event streams, from a seed.</summary>
internal static class Population
{
    public static ImmutableArray<SimulationCustomer> Build(int customers, DateTimeOffset start, int days, int seed = 7)
    {
        var rng = new Random(seed);
        var list = ImmutableArray.CreateBuilder<SimulationCustomer>(customers);
        string[] tiers = ["high_value", "churn_risk", "active", "new", "dormant"];
        for (var i = 0; i < customers; i++)
        {
            var consent = JourneyBuild.AllChannels.Where(_ => rng.NextDouble() < 0.7).ToArray();
            var tags = new List<string>();
            if (rng.NextDouble() < 0.2) tags.Add("complainer");
            if (rng.NextDouble() < 0.3) tags.Add("price_sensitive");
            var birthday = start.AddDays(rng.Next(0, 20) - 2).AddYears(-rng.Next(20, 50));
            var traits = new List<(string, string)> { ("birthday", birthday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) };
            if (rng.NextDouble() < 0.5)
            {
                traits.Add(("membershipExpiry", start.AddDays(rng.Next(1, 40)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }
            if (rng.NextDouble() < 0.2)
            {
                traits.Add(("timezone", rng.NextDouble() < 0.5 ? "+05:30" : "-03:00"));
            }
            var orders = rng.Next(0, 6);
            var profile = JourneyBuild.Customer($"pop-{seed}-{i}", consent, tier: tiers[rng.Next(tiers.Length)], tags: [.. tags], traits: [.. traits],
                orders: orders, lastOrderAt: orders == 0 ? null : start.AddDays(-rng.Next(1, 150)));
            var events = new List<CustomerEvent>();
            var t = start.AddMinutes(rng.Next(0, 600));
            while (t < start.AddDays(days))
            {
                var roll = rng.NextDouble();
                var id = $"p{seed}-{i}-{events.Count}";
                events.Add(roll switch
                {
                    < 0.35 => JourneyBuild.Event("Product Detail", t, """{"category":"tea"}""", EventType.Page, id),
                    < 0.6 => JourneyBuild.CartAdd(t, $"cart-{i}-{events.Count}", id),
                    < 0.75 => JourneyBuild.Purchase(t, id),
                    < 0.8 => JourneyBuild.Event("Membership Renewed", t, id: id),
                    < 0.83 => JourneyBuild.ConsentChange(JourneyBuild.AllChannels[rng.Next(4)], rng.NextDouble() < 0.5, t, id),
                    < 0.9 => JourneyBuild.Event("Identify", t, null, EventType.Identify, id),
                    _ => JourneyBuild.Event("Products Searched", t, """{"query":"tea"}""", id: id),
                });
                t = t.AddMinutes(rng.Next(20, 60 * 30));
            }
            var activity = ActivityHistogram.FromTimestamps(Enumerable.Range(0, rng.Next(0, 40)).Select(k => start.AddDays(-k).AddHours(rng.Next(8, 23))), Times.Shanghai);
            list.Add(new SimulationCustomer(profile, [.. events], activity));
        }
        return list.MoveToImmutable();
    }
}
