using Lodestar.Content;
using Lodestar.Journeys;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

public sealed class TemplateValidationTests
{
    private static Dictionary<string, string> Sms(string zh, string? en = null) => new()
    {
        ["zh-CN"] = "=== text ===\n" + zh + "\n",
        ["en"] = "=== text ===\n" + (en ?? "Hello {{ customer.name }}") + "\n",
    };

    [Fact]
    public void Load_UnknownVariable_IsAProblemNamingTemplateAndVariable()
    {
        using var folder = new TemplateFolder().With("promo-sms", "sms", Sms("【店】{{ customer.nickname }}，您好"));

        var catalog = TemplateCatalog.Load(folder.Path);

        var problem = Assert.Single(catalog.ProblemsFor("promo-sms"));
        Assert.Equal("promo-sms", problem.Template);
        Assert.Equal("zh-CN", problem.Locale);
        Assert.Contains("customer.nickname", problem.Message, StringComparison.Ordinal);
        Assert.Contains("promo-sms", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("promo-sms", catalog.KnownIds);
    }

    [Fact]
    public void Load_UnknownVariableInABranchTheSampleNeverTakes_IsStillFound()
    {
        using var folder = new TemplateFolder().With("branchy-sms", "sms",
            Sms("{% if customer.tier == \"nobody\" %}{{ offer.discount }}{% else %}你好{% endif %}"));

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Contains(catalog.ProblemsFor("branchy-sms"), p => p.Message.Contains("offer.discount", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LoopAndAssignedVariables_AreNotUnknown()
    {
        using var folder = new TemplateFolder().With("loop-sms", "sms",
            Sms("{% assign n = products.size %}{% for p in products %}{{ p }}{{ forloop.index }}{% endfor %}{{ n }}{{ customer.tags.vip }}", "Hi"));

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Empty(catalog.ProblemsFor("loop-sms"));
    }

    [Fact]
    public void Load_UnknownFilter_IsAProblem()
    {
        using var folder = new TemplateFolder().With("filter-sms", "sms", Sms("{{ customer.name | shout }}"));

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Contains(catalog.ProblemsFor("filter-sms"), p => p.Message.Contains("shout", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EmailWithoutTextPart_IsAProblem()
    {
        var email = "=== subject ===\nHi\n\n=== html ===\n<p>Hi</p><a href=\"{{ links.unsubscribe }}\">x</a>\n";
        using var folder = new TemplateFolder().With("bare-email", "email", new Dictionary<string, string> { ["zh-CN"] = email });

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Contains(catalog.ProblemsFor("bare-email"), p => p.Part == "text" && p.Message.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MarketingEmailWithoutUnsubscribeLink_IsAProblem()
    {
        var email = "=== subject ===\nHi\n\n=== html ===\n<p>Hi</p>\n\n=== text ===\nHi\n";
        using var folder = new TemplateFolder().With("no-unsub-email", "email", new Dictionary<string, string> { ["zh-CN"] = email });

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Contains(catalog.ProblemsFor("no-unsub-email"), p => p.Message.Contains("links.unsubscribe", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SmsOverItsSegmentLimit_IsAProblem()
    {
        // 3 segments of 67 UCS-2 units hold 201; 202 Chinese characters need a fourth.
        using var folder = new TemplateFolder().With("long-sms", "sms", Sms(new string('好', 202)));

        var catalog = TemplateCatalog.Load(folder.Path, new ContentRules { MaxSmsSegments = 3 });

        Assert.Contains(catalog.ProblemsFor("long-sms"), p => p.Part == "text" && p.Message.Contains("4 segments", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PushTitleOverTheLimit_IsAProblem()
    {
        var push = "=== title ===\n" + new string('a', 51) + "\n\n=== body ===\nbody\n";
        using var folder = new TemplateFolder().With("long-push", "push", new Dictionary<string, string> { ["zh-CN"] = push });

        var catalog = TemplateCatalog.Load(folder.Path, new ContentRules { PushTitleMax = 50 });

        Assert.Contains(catalog.ProblemsFor("long-push"), p => p.Part == "title");
    }

    [Fact]
    public void Load_BannedWordInTheCopy_IsAProblem()
    {
        using var folder = new TemplateFolder().WithBannedWords("最低价").With("cheap-sms", "sms", Sms("【店】全场最低价"));

        var catalog = TemplateCatalog.Load(folder.Path);

        Assert.Contains(catalog.ProblemsFor("cheap-sms"), p => p.Message.Contains("最低价", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_TemplateWithProblems_DoesNotRender()
    {
        using var folder = new TemplateFolder().With("promo-sms", "sms", Sms("{{ customer.nickname }}"));
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));

        var result = renderer.Render("promo-sms", Channel.Sms, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.Contains("customer.nickname", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_WrongChannel_IsAProblem()
    {
        var result = new MessageRenderer(RepoTemplates.Catalog).Render("cart-coupon-sms", Channel.Email, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        Assert.Contains("sms", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfferTemplateWithoutOffer_IsAProblem()
    {
        var model = SampleModels.For("zh-CN") with { Offer = null };

        var result = new MessageRenderer(RepoTemplates.Catalog).Render("cart-coupon-sms", Channel.Sms, "zh-CN", model);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh-TW", "zh-CN")]
    [InlineData("en-GB", "en")]
    [InlineData("EN", "en")]
    [InlineData("fr-FR", "zh-CN")]
    [InlineData(null, "zh-CN")]
    public void Render_CustomerLocale_FallsBackToSameLanguageThenTemplateDefault(string? customerLocale, string expected)
    {
        var model = SampleModels.For("en") with { Locale = customerLocale };

        var result = new MessageRenderer(RepoTemplates.Catalog).Render("cart-coupon-sms", Channel.Sms, null, model);

        Assert.Equal(expected, result.Content!.Locale);
    }

    [Fact]
    public void Render_HtmlPart_EscapesModelValues_TextPartDoesNot()
    {
        var model = SampleModels.For("en") with { Customer = SampleModels.For("en").Customer with { Name = "<b>A*</b>" } };

        var content = new MessageRenderer(RepoTemplates.Catalog).Render("welcome-email", Channel.Email, "en", model).Content!;

        Assert.DoesNotContain("<b>A*</b>", content.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;A*&lt;/b&gt;", content.Html, StringComparison.Ordinal);
        Assert.Contains("<b>A*</b>", content.Text, StringComparison.Ordinal);
    }
}
