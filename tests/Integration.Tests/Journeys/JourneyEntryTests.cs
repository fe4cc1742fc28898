using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Lodestar.Standalone.Hosting;
using Lodestar.Standalone.Journeys;
using Lodestar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests.Journeys;

/// <summary>
/// The standalone driver's entry kinds other than events: by API (<c>POST /api/journeys/{id}/entries</c> over Kestrel), on
/// entering a segment, and on a schedule; with the re-entry rules never, after a cool-down, and always with a distinct key.
/// </summary>
public sealed class JourneyEntryTests : IAsyncLifetime
{
    private const string Key = "wk_journey_entries_0123456789";

    private readonly TempFolder _folder = new("lodestar-journey-entries-");
    private readonly MovableClock _clock = new(Samples.Now);
    private readonly CancellationTokenSource _stop = new();
    private StandaloneApp _app = null!;
    private Task _driver = Task.CompletedTask;

    public ValueTask InitializeAsync()
    {
        _app = new StandaloneApp(new StandaloneOptions(_folder.Path, Key), NullLoggerFactory.Instance, _clock);
        _driver = Task.Run(() => _app.JourneyDriver.RunAsync(_stop.Token));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _driver;
        await _app.DisposeAsync();
        _stop.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static string Definition(string id, string entry, string reEntry, string extra = "") => $$"""
        {
          "id": "{{id}}", "version": 1, "name": "{{id}}",
          "entry": {{entry}},
          "reEntry": {{reEntry}},{{extra}}
          "start": "hello",
          "nodes": [ { "id": "hello", "type": "send", "channel": "sms", "template": "hello", "transactional": true } ]
        }
        """;

    private async Task Publish(string json)
    {
        var (parsed, _) = await _app.Journeys.PublishAsync(json, TestContext.Current.CancellationToken);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}")));
    }

    /// <summary>A customer the store knows (an identify event), with <paramref name="tags"/> set on the profile.</summary>
    private async Task<CustomerId> Customer(string member, params (string Tag, string? Value)[] tags)
    {
        var ct = TestContext.Current.CancellationToken;
        var raw = new RawEvent { MessageId = "id-" + member, Type = EventType.Identify, Source = "web", Ids = [new RawIdentifier(IdKind.Member, member)], Timestamp = Samples.T0 };
        await _app.Ingest.IngestAsync([_app.Cleaner.Clean(raw, Samples.Now)], ct);
        var id = CustomerId.DerivedFrom("member:" + member);
        if (tags.Length > 0)
        {
            await SetTags(id, tags);
        }
        return id;
    }

    private async Task SetTags(CustomerId id, params (string Tag, string? Value)[] tags)
    {
        var ct = TestContext.Current.CancellationToken;
        var profile = (await _app.Store.GetAsync(id, ct))!;
        var set = profile.Tags;
        foreach (var (tag, value) in tags)
        {
            set = value is null ? set.Remove(tag) : set.SetItem(tag, new TagValue(value, "test", Samples.Now));
        }
        Assert.Empty(await _app.Store.SaveAsync([profile with { Tags = set }], ct));
    }

    private async Task<ImmutableArray<StoredInstance>> Instances(CustomerId id, string journey) =>
        [.. (await _app.Store.CustomerAsync(id, 100, TestContext.Current.CancellationToken)).Instances.Where(i => i.State.JourneyId == journey)];

    private async Task<ImmutableArray<StoredInstance>> Eventually(CustomerId id, string journey, int count)
    {
        for (var i = 0; ; i++)
        {
            var instances = await Instances(id, journey);
            if (instances.Length >= count || i == 200)
            {
                return instances;
            }
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Lets the driver finish what it was asked to do (a scan or a tick), then returns the instances.</summary>
    private async Task<ImmutableArray<StoredInstance>> Settled(CustomerId id, string journey)
    {
        await Task.Delay(400, TestContext.Current.CancellationToken);
        return await Instances(id, journey);
    }

    [Fact]
    public async Task PostEntries_ApiJourneyWithDistinctKeys_StartsOncePerKeyAndAnswersProblemJsonOtherwise()
    {
        var ct = TestContext.Current.CancellationToken;
        await Publish(Definition("api-welcome", """{ "type": "api" }""", """{ "type": "distinctKey" }""", """ "businessKey": "properties.requestId","""));
        await Publish(Definition("cart-only", """{ "type": "event", "event": { "names": ["cart_updated"] } }""", """{ "type": "never" }"""));
        var customer = await Customer("M-api-1");
        await using var web = await Web();
        using var client = new HttpClient { BaseAddress = new Uri(web.Urls.Single()) };
        client.DefaultRequestHeaders.Authorization = HttpJson.WriteKey(Key);

        async Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> Post(string journey, object body)
        {
            using var response = await client.PostAsJsonAsync($"/api/journeys/{journey}/entries", body, ct);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
        }

        var first = await Post("api-welcome", new { customerId = customer.Value, businessKey = "req-1" });
        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal("started", first.Body.GetProperty("outcome").GetString());
        var again = await Post("api-welcome", new { customerId = customer.Value, businessKey = "req-1" });
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal("alreadyStarted", again.Body.GetProperty("outcome").GetString());
        Assert.Equal(first.Body.GetProperty("instanceId").GetString(), again.Body.GetProperty("instanceId").GetString());
        var second = await Post("api-welcome", new { customerId = customer.Value, businessKey = "req-2" });
        Assert.Equal("started", second.Body.GetProperty("outcome").GetString());
        Assert.NotEqual(first.Body.GetProperty("instanceId").GetString(), second.Body.GetProperty("instanceId").GetString());

        var noKey = await Post("api-welcome", new { customerId = customer.Value });
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (noKey.Status, noKey.MediaType));
        Assert.EndsWith("/entry-refused", noKey.Body.GetProperty("type").GetString(), StringComparison.Ordinal);
        var wrongKind = await Post("cart-only", new { customerId = customer.Value, businessKey = "x" });
        Assert.Equal(HttpStatusCode.Conflict, wrongKind.Status);
        Assert.EndsWith("/not-api-entry", wrongKind.Body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("no-such-journey", new { customerId = customer.Value })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("api-welcome", new { customerId = CustomerId.DerivedFrom("member:nobody").Value, businessKey = "k" })).Status);
        var invalid = await Post("api-welcome", new { customerId = "someone", extra = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(["/customerId", "/extra"], invalid.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()));

        var instances = await Instances(customer, "api-welcome");
        Assert.Equal(["req-1", "req-2"], instances.Select(i => i.State.BusinessKey).Order(StringComparer.Ordinal));
        Assert.All(instances, i => Assert.Equal(JourneyStatus.Completed, i.State.Status));
    }

    [Fact]
    public async Task EnterAsync_NeverAndCooldown_RefuseASecondEntryUntilTheCooldownHasPassed()
    {
        var ct = TestContext.Current.CancellationToken;
        await Publish(Definition("api-once", """{ "type": "api" }""", """{ "type": "never" }"""));
        await Publish(Definition("api-weekly", """{ "type": "api" }""", """{ "type": "cooldown", "cooldown": "7d" }"""));
        var customer = await Customer("M-api-2");
        var driver = _app.JourneyDriver;

        Assert.Equal(EntryStatus.Started, (await driver.EnterAsync("api-once", customer, null, ct)).Status);
        _clock.Advance(TimeSpan.FromMinutes(1)); // without a business key, the entry instant is the entry key
        var twice = await driver.EnterAsync("api-once", customer, null, ct);
        Assert.Equal(EntryStatus.Refused, twice.Status);
        Assert.Contains("never", twice.Reason, StringComparison.Ordinal);

        Assert.Equal(EntryStatus.Started, (await driver.EnterAsync("api-weekly", customer, null, ct)).Status);
        _clock.Advance(TimeSpan.FromDays(3));
        var early = await driver.EnterAsync("api-weekly", customer, null, ct);
        Assert.Equal(EntryStatus.Refused, early.Status);
        Assert.Contains("cool-down", early.Reason, StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(EntryStatus.Started, (await driver.EnterAsync("api-weekly", customer, null, ct)).Status);
        Assert.Equal(2, (await Instances(customer, "api-weekly")).Length);
    }

    [Fact]
    public async Task SegmentEntry_CustomerJoinsLeavesAndJoinsAgain_EntersOnEachJoinNotOnEveryScan()
    {
        await Publish(Definition("vip-welcome", """{ "type": "segment", "segment": "vip" }""", """{ "type": "cooldown", "cooldown": "1h" }"""));
        var member = await Customer("M-seg-1", ("segment:vip", "true"));
        var outsider = await Customer("M-seg-2");
        _app.JourneyDriver.ScanSegments();
        Assert.Single(await Eventually(member, "vip-welcome", 1));

        _app.JourneyDriver.ScanSegments();
        Assert.Single(await Settled(member, "vip-welcome"));
        Assert.Empty(await Instances(outsider, "vip-welcome"));

        await SetTags(member, ("segment:vip", null));
        _app.JourneyDriver.ScanSegments();
        await Settled(member, "vip-welcome");
        _clock.Advance(TimeSpan.FromHours(2));
        await SetTags(member, ("segment:vip", "true"));
        _app.JourneyDriver.ScanSegments();
        Assert.Equal(2, (await Eventually(member, "vip-welcome", 2)).Length);
    }

    [Fact]
    public async Task ScheduleEntry_AtItsLocalTime_EntersEligibleCustomersOnceAndNotAgainUnderNever()
    {
        // The clock stands at 09:59 in the tenant's zone (+08:00); the journey runs daily at 10:00 for tagged customers.
        _clock.Set(new DateTimeOffset(2026, 3, 2, 1, 59, 0, TimeSpan.Zero));
        var chosen = await Customer("M-sch-1", ("newsletter", "true"));
        var other = await Customer("M-sch-2");
        await Publish(Definition("daily-digest", """{ "type": "schedule", "every": "1d", "at": "10:00", "when": { "tag": "newsletter" } }""", """{ "type": "never" }"""));
        _app.JourneyDriver.Nudge();
        for (var i = 0; i < 200 && !(await _app.Store.TicksAsync(TestContext.Current.CancellationToken)).Any(t => t.JourneyId == "daily-digest"); i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        var tick = Assert.Single(await _app.Store.TicksAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(8)), tick.Next);
        Assert.Empty(await Instances(chosen, "daily-digest"));

        _clock.Advance(TimeSpan.FromMinutes(2));
        _app.JourneyDriver.Nudge();
        var entered = Assert.Single(await Eventually(chosen, "daily-digest", 1));
        Assert.Equal(JourneyStatus.Completed, entered.State.Status);
        Assert.Empty(await Instances(other, "daily-digest"));

        _clock.Advance(TimeSpan.FromDays(1));
        _app.JourneyDriver.Nudge();
        Assert.Single(await Settled(chosen, "daily-digest"));
    }

    private async Task<WebApplication> Web()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        JourneyEntries.Map(web.MapGroup("/api/journeys"), _app.JourneyDriver, Key);
        await web.StartAsync(TestContext.Current.CancellationToken);
        return web;
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _ticks, at.UtcTicks);
    }
}
