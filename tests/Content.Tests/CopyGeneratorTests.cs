using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Lodestar.Adapters.OpenAI;
using Lodestar.Content;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Profiles;
using Lodestar.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests;

public sealed class CopyGeneratorTests : IAsyncLifetime
{
    private const string Deployment = "copy-test";
    private const string Template = "cart-coupon-sms";
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 2, 0, 0, TimeSpan.Zero);

    // What the customer's profile shows (masked forms; the raw values never entered the profile at all).
    private const string MaskedPhone = "138****5678";
    private const string MaskedEmail = "l***@example.com";
    private const string MaskedName = "李*";

    private FakeChatServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeChatServer.StartAsync(Deployment);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private CopyGenerator Generator(Uri? endpoint = null, TimeSpan? timeout = null)
    {
        var options = new CopyGeneratorOptions { Endpoint = endpoint ?? _server.Endpoint, Deployment = Deployment, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        Assert.Empty(options.Validate());
        return new CopyGenerator(AzureCopyClient.CreateWithKey(options, FakeChatServer.Key), RepoTemplates.Catalog, options, TimeProvider.System, NullLogger<CopyGenerator>.Instance);
    }

    private static Profile Customer() => new()
    {
        Id = CustomerId.TryParse("c_00000000000000a1", out var id) ? id : throw new InvalidOperationException(),
        FirstSeen = T0.AddDays(-400),
        LastSeen = T0.AddDays(-3),
        Identities = [new IdentityView(IdKind.Phone, MaskedPhone), new IdentityView(IdKind.Email, MaskedEmail)],
        Traits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("name", MaskedName)]),
        Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
            new KeyValuePair<string, TagValue>("tier", new TagValue("high_value", "value", T0)),
            new KeyValuePair<string, TagValue>("rfm_segment", new TagValue("Champions", "value", T0)),
            new KeyValuePair<string, TagValue>("price_sensitive", new TagValue("true", "preference", T0)),
        ]),
    };

    private static MessageModel Model() => MessageModel.FromProfile(Customer(), new OfferView("CART-10", "CART-10"), ["羊毛围巾"]);

    private static CopyBrief Brief() => CopyBrief.FromModel(Model(), "zh-CN");

    private static string Variants(params string[] texts) =>
        JsonSerializer.Serialize(new { variants = texts.Select(t => new { text = t }) });

    private void AnswerWith(string content) => _server.Answer = _ => (HttpStatusCode.OK, content, null);

    private const string Good1 = "【{{ brand.name }}】{{ customer.name | default: \"您\" }}，您心仪的好物还在购物车，输入{{ offer.code }}立享优惠。回T退订";
    private const string Good2 = "【{{ brand.name }}】购物车商品库存紧张，现在下单输入{{ offer.code }}更划算。回T退订";

    [Fact]
    public async Task Generate_ModelAnswers_ReturnsTheVariantsThatPassEveryCheck()
    {
        var dropsOffer = "【{{ brand.name }}】购物车里的商品在等您。回T退订";
        var banned = "【{{ brand.name }}】全场最低价，输入{{ offer.code }}。回T退订";
        var tooLong = "【{{ brand.name }}】{{ offer.code }}" + new string('好', 210);
        var unknownVariable = "【{{ brand.name }}】{{ customer.nickname }}，输入{{ offer.code }}。回T退订";
        AnswerWith(Variants(Good1, dropsOffer, banned, Good2, tooLong, unknownVariable));

        var result = await Generator().GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);

        Assert.Empty(_server.ShapeErrors);
        Assert.Equal(CopySource.Generated, result.Source);
        Assert.Equal([Good1, Good2], result.Variants.Select(v => v.CopyParts["text"]));
        Assert.Equal(4, result.Rejected.Length);
        Assert.Contains(result.Rejected, r => r.StartsWith("variant 2", StringComparison.Ordinal) && r.Contains("offer.code", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.StartsWith("variant 3", StringComparison.Ordinal) && r.Contains("最低价", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.StartsWith("variant 5", StringComparison.Ordinal) && r.Contains("segments", StringComparison.Ordinal));
        Assert.Contains(result.Rejected, r => r.StartsWith("variant 6", StringComparison.Ordinal) && r.Contains("customer.nickname", StringComparison.Ordinal));
        var template = RepoTemplates.Catalog.Find(Template)!;
        foreach (var variant in result.Variants)
        {
            var rendered = MessageRenderer.Render(template, variant.Version, Model(), RepoTemplates.Catalog.Rules);
            Assert.True(rendered.IsValid, string.Join("; ", rendered.Problems));
            Assert.Contains("CART-10", rendered.Content!.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Generate_Prompt_CarriesSegmentTierTagsAndProducts()
    {
        AnswerWith(Variants(Good1));

        await Generator().GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);

        var body = Assert.Single(_server.Bodies);
        var user = JsonDocument.Parse(body).RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        var audience = JsonDocument.Parse(user).RootElement.GetProperty("audience");
        Assert.Equal("Champions", audience.GetProperty("segment").GetString());
        Assert.Equal("high_value", audience.GetProperty("tier").GetString());
        Assert.Equal(["price_sensitive"], audience.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["羊毛围巾"], audience.GetProperty("products").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Generate_RecordedRequests_ContainNoPhoneEmailOrName()
    {
        AnswerWith(Variants(Good1));
        var generator = Generator();

        await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);
        await generator.GenerateAsync("browse-reminder-push", CopyBrief.FromModel(Model(), "en"), TestContext.Current.CancellationToken);
        await generator.GenerateAsync("cart-reminder-email", CopyBrief.FromModel(Model(), "zh-CN"), TestContext.Current.CancellationToken);

        Assert.Equal(3, _server.Bodies.Count);
        foreach (var body in _server.Bodies)
        {
            // JSON escapes non-ASCII in a request; compare on the decoded text as well as the raw body.
            var decoded = string.Join("\n", JsonDocument.Parse(body).RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
            foreach (var text in new[] { body, decoded })
            {
                Assert.DoesNotContain(MaskedPhone, text, StringComparison.Ordinal);
                Assert.DoesNotContain("5678", text, StringComparison.Ordinal);
                Assert.DoesNotContain(MaskedEmail, text, StringComparison.Ordinal);
                Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);
                Assert.DoesNotContain(MaskedName, text, StringComparison.Ordinal);
                Assert.DoesNotContain("c_00000000000000a1", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Generate_SameTemplateSegmentTierAndLocale_SecondCallIsCachedWithoutARequest()
    {
        AnswerWith(Variants(Good1, Good2));
        var generator = Generator();

        var first = await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);
        var second = await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);

        Assert.Single(_server.Bodies);
        Assert.Equal(CopySource.Generated, first.Source);
        Assert.Equal(CopySource.Cached, second.Source);
        Assert.Equal(first.Variants.Select(v => v.CopyParts["text"]), second.Variants.Select(v => v.CopyParts["text"]));
    }

    [Fact]
    public async Task Generate_ConcurrentCallsForOneKey_MakeOneRequest()
    {
        AnswerWith(Variants(Good1));
        _server.Delay = TimeSpan.FromMilliseconds(200);
        var generator = Generator();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken)));

        Assert.Single(_server.Bodies);
        Assert.All(results, r => Assert.Equal(Good1, r.Variants.Single().CopyParts["text"]));
    }

    [Fact]
    public async Task Generate_AnotherSegment_MakesItsOwnRequest()
    {
        AnswerWith(Variants(Good1));
        var generator = Generator();

        await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);
        await generator.GenerateAsync(Template, CopyBrief.Create("At Risk", "churn_risk", [], [], "zh-CN"), TestContext.Current.CancellationToken);

        Assert.Equal(2, _server.Bodies.Count);
    }

    public static TheoryData<string> Failures() => ["down", "500", "timeout", "malformed", "not-json-content", "banned", "empty"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Generate_AnyFailure_FallsBackToTheTemplateCopy(string failure)
    {
        var endpoint = failure == "down" ? FakeChatServer.DeadEndpoint() : _server.Endpoint;
        switch (failure)
        {
            case "500":
                _server.Answer = _ => (HttpStatusCode.InternalServerError, null, null);
                break;
            case "timeout":
                _server.Delay = TimeSpan.FromSeconds(30);
                break;
            case "malformed":
                _server.Answer = _ => (HttpStatusCode.OK, null, "{\"choices\": [ {\"message\": ");
                break;
            case "not-json-content":
                AnswerWith("Here are some ideas: buy now!");
                break;
            case "banned":
                AnswerWith(Variants("【{{ brand.name }}】史上最低价，输入{{ offer.code }}。回T退订"));
                break;
            case "empty":
                AnswerWith("{\"variants\": []}");
                break;
        }
        var started = DateTimeOffset.UtcNow;

        var result = await Generator(endpoint, TimeSpan.FromMilliseconds(500)).GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);

        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), "the fallback waited past the time-out");
        Assert.Equal(CopySource.Template, result.Source);
        Assert.False(string.IsNullOrEmpty(result.FallbackReason));
        var template = RepoTemplates.Catalog.Find(Template)!;
        var variant = Assert.Single(result.Variants);
        Assert.Same(template.Resolve("zh-CN"), variant.Version);
        var rendered = MessageRenderer.Render(template, variant.Version, Model(), RepoTemplates.Catalog.Rules);
        Assert.True(rendered.IsValid);
        Assert.Equal(new MessageRenderer(RepoTemplates.Catalog).Render(Template, Lodestar.Journeys.Channel.Sms, "zh-CN", Model()).Content, rendered.Content);
    }

    [Fact]
    public async Task Generate_AfterAFailure_TheNextSendDoesNotCallAgainForAWhile()
    {
        _server.Answer = _ => (HttpStatusCode.InternalServerError, null, null);
        var generator = Generator();

        var first = await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);
        var second = await generator.GenerateAsync(Template, Brief(), TestContext.Current.CancellationToken);

        Assert.Single(_server.Bodies);
        Assert.Equal(CopySource.Template, first.Source);
        Assert.Equal(CopySource.Template, second.Source);
        Assert.Contains("500", second.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_MiniProgramTemplate_UsesTheTemplateWithoutCalling()
    {
        var result = await Generator().GenerateAsync("cart-reminder-miniprogram", Brief(), TestContext.Current.CancellationToken);

        Assert.Equal(CopySource.Template, result.Source);
        Assert.Empty(_server.Bodies);
    }

    [Fact]
    public async Task Generate_EmailTemplate_VariesOnlyTheSubjectAndRejectsAMultiLineOne()
    {
        AnswerWith(JsonSerializer.Serialize(new
        {
            variants = new object[]
            {
                new { subject = "{{ customer.name | default: \"您\" }}，您挑的好物还在购物车" },
                new { subject = "购物车提醒\nBcc: everyone" },
            },
        }));

        var result = await Generator().GenerateAsync("cart-reminder-email", Brief(), TestContext.Current.CancellationToken);

        Assert.Equal(CopySource.Generated, result.Source);
        var variant = Assert.Single(result.Variants);
        Assert.Equal(["subject"], variant.CopyParts.Keys);
        Assert.Contains(result.Rejected, r => r.StartsWith("variant 2", StringComparison.Ordinal) && r.Contains("one line", StringComparison.Ordinal));
        var human = RepoTemplates.Catalog.Find("cart-reminder-email")!.Resolve("zh-CN");
        Assert.Equal(human.Parts["html"].Source, variant.Version.Parts["html"].Source);
    }

    [Theory]
    [InlineData("13812345678")]
    [InlineData("li.lei@example.com")]
    [InlineData("138****5678")]
    public void Brief_ContactLikeValue_IsRefused(string value)
    {
        Assert.Throws<ArgumentException>(() => CopyBrief.Create("Champions", "high_value", [value], [], "zh-CN"));
        Assert.Throws<ArgumentException>(() => CopyBrief.Create("Champions", "high_value", [], [value], "zh-CN"));
    }
}
