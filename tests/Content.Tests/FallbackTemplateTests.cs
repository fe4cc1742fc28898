using Lodestar.Content;
using Lodestar.Journeys;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>
/// A send names its own channel's template; on a fallback channel the renderer uses the sibling for that channel
/// (<see cref="TemplateNames"/>), so each channel gets content written for it.
/// </summary>
public sealed class FallbackTemplateTests
{
    private static Dictionary<string, string> Both(string text) => new() { ["zh-CN"] = text, ["en"] = text };

    private static TemplateFolder EmailAndPush() => new TemplateFolder()
        .With("promo-email", "email", Both("=== subject ===\n促销\n\n=== html ===\n<p>促销</p><a href=\"{{ links.unsubscribe }}\">退订</a>\n\n=== text ===\n促销 {{ links.unsubscribe }}\n"))
        .With("promo-push", "push", Both("=== title ===\n{{ brand.name }}促销\n\n=== body ===\n{{ customer.name }}，新品到了\n"));

    [Fact]
    public void Render_FallbackChannel_RendersTheSiblingWrittenForIt()
    {
        using var folder = EmailAndPush();
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));
        var model = SampleModels.For("zh-CN");

        var viaNode = renderer.Render("promo-email", Channel.Push, "zh-CN", model);
        var direct = renderer.Render("promo-push", Channel.Push, "zh-CN", model);

        Assert.True(viaNode.IsValid, string.Join("; ", viaNode.Problems));
        Assert.Equal(direct.Content, viaNode.Content);
        Assert.Contains(model.Brand, viaNode.Content!.Title, StringComparison.Ordinal);
        Assert.Null(viaNode.Content.Subject);
    }

    [Fact]
    public void Render_FallbackChannelWithoutSibling_IsAProblemNamingTheMissingTemplate()
    {
        using var folder = EmailAndPush();
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));

        var result = renderer.Render("promo-email", Channel.Sms, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("promo-email", problem.Template);
        Assert.Contains("no sms template 'promo-sms'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IdWithoutAChannelSuffixOnAnotherChannel_IsAProblem()
    {
        using var folder = EmailAndPush().With("promo", "email", Both("=== subject ===\n促销\n\n=== html ===\n<a href=\"{{ links.unsubscribe }}\">退订</a>\n\n=== text ===\n{{ links.unsubscribe }}\n"));
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));

        var result = renderer.Render("promo", Channel.Push, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        Assert.Contains("does not end in a channel name", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SiblingOfTheWrongChannel_IsNotUsed()
    {
        // promo-push's manifest says sms: the name alone does not make it the push content.
        using var folder = new TemplateFolder()
            .With("promo-email", "email", Both("=== subject ===\n促销\n\n=== html ===\n<a href=\"{{ links.unsubscribe }}\">退订</a>\n\n=== text ===\n{{ links.unsubscribe }}\n"))
            .With("promo-push", "sms", Both("=== text ===\n促销\n"));
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));

        var result = renderer.Render("promo-email", Channel.Push, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        Assert.Contains("no push template 'promo-push'", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SiblingWithProblems_ReportsTheSiblingsProblems()
    {
        using var folder = new TemplateFolder()
            .With("promo-email", "email", Both("=== subject ===\n促销\n\n=== html ===\n<a href=\"{{ links.unsubscribe }}\">退订</a>\n\n=== text ===\n{{ links.unsubscribe }}\n"))
            .With("promo-push", "push", Both("=== title ===\n{{ customer.nickname }}\n\n=== body ===\n新品\n"));
        var renderer = new MessageRenderer(TemplateCatalog.Load(folder.Path));

        var result = renderer.Render("promo-email", Channel.Push, "zh-CN", SampleModels.For("zh-CN"));

        Assert.False(result.IsValid);
        Assert.All(result.Problems, p => Assert.Equal("promo-push", p.Template));
        Assert.Contains(result.Problems, p => p.Message.Contains("customer.nickname", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> SampleFallbacks()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (journey, send) in RepoTemplates.JourneySends())
        {
            foreach (var channel in send.Fallback)
            {
                data.Add(journey, send.Id, channel.Name(), "zh-CN");
                data.Add(journey, send.Id, channel.Name(), "en");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFallbacks))]
    public void Render_EverySampleJourneysFallback_RendersItsSiblingInBothLocales(string journey, string node, string channelName, string locale)
    {
        var send = RepoTemplates.JourneySends().Single(s => s.Journey == journey && s.Send.Id == node).Send;
        Assert.True(Channels.TryParse(channelName, out var channel));
        // The node's offer or none: a sibling that shows an offer would not render for a send without one.
        var model = SampleModels.For(locale) with { Offer = send.Offer is null ? null : SampleModels.For(locale, send.Offer).Offer };

        var result = new MessageRenderer(RepoTemplates.Catalog).Render(send.Template, channel, locale, model);

        Assert.True(result.IsValid, $"{journey}/{node} on {channelName}: " + string.Join("; ", result.Problems));
        Assert.Equal(locale, result.Content!.Locale);
        var sibling = RepoTemplates.Catalog.Find(TemplateNames.For(send, channel)!)!;
        Assert.Equal(channel, sibling.Manifest.Channel);
    }

    [Fact]
    public void TemplateList_NamesTheSiblingOfEverySampleFallback()
    {
        var listed = RepoTemplates.JourneyTemplateIds().ToHashSet(StringComparer.Ordinal);
        var siblings = RepoTemplates.JourneySends().SelectMany(s => s.Send.Fallback.Select(c => TemplateNames.For(s.Send, c))).ToList();

        Assert.NotEmpty(siblings);
        Assert.All(siblings, id => Assert.Contains(id!, listed));
    }
}
