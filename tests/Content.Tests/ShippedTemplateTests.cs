using Lodestar.Content;
using Lodestar.Journeys;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

public sealed class ShippedTemplateTests
{
    public static TheoryData<string, string> TemplatesAndLocales()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in RepoTemplates.Catalog.KnownIds)
        {
            data.Add(id, "zh-CN");
            data.Add(id, "en");
        }
        return data;
    }

    [Fact]
    public void Catalog_ShippedFolder_LoadsWithoutProblems()
    {
        Assert.Empty(RepoTemplates.Catalog.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Catalog_CoversEveryTemplateTheSampleJourneysUse()
    {
        var missing = RepoTemplates.JourneyTemplateIds().Where(id => !RepoTemplates.Catalog.KnownIds.Contains(id));
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(TemplatesAndLocales))]
    public void Render_ShippedTemplate_PassesItsChannelChecksInBothLocales(string id, string locale)
    {
        var template = RepoTemplates.Catalog.Find(id)!;
        Assert.True(template.Versions.ContainsKey(locale), $"{id} has no {locale} version");
        var renderer = new MessageRenderer(RepoTemplates.Catalog);

        var result = renderer.Render(id, template.Manifest.Channel, locale, SampleModels.For(locale));

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var content = result.Content!;
        Assert.Equal(locale, content.Locale);
        switch (template.Manifest.Channel)
        {
            case Channel.Sms:
                Assert.InRange(SmsSegments.Measure(content.Text).Segments, 1, RepoTemplates.Catalog.Rules.MaxSmsSegments);
                break;
            case Channel.Email:
                Assert.False(string.IsNullOrWhiteSpace(content.Subject));
                Assert.Contains("<html", content.Html, StringComparison.Ordinal);
                Assert.DoesNotContain("<", content.Text, StringComparison.Ordinal);
                break;
            case Channel.Push:
                Assert.InRange(ChannelChecks.Length(content.Title!), 1, RepoTemplates.Catalog.Rules.PushTitleMax);
                Assert.InRange(ChannelChecks.Length(content.Text), 1, RepoTemplates.Catalog.Rules.PushBodyMax);
                break;
            case Channel.MiniProgram:
                Assert.False(string.IsNullOrWhiteSpace(content.ProviderTemplate));
                Assert.NotEmpty(content.Data!);
                break;
        }
        Assert.DoesNotContain("{{", content.Text + content.Html + content.Subject + content.Title, StringComparison.Ordinal);
    }
}
