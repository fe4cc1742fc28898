using Lodestar.Journeys;

namespace Lodestar.Tests.Journeys;

/// <summary>Publish-time check that every fallback channel of a send has its own template (the sibling by name).</summary>
public sealed class FallbackTemplateValidationTests
{
    private static JourneyDefinition CartReminder(string template = "cart-reminder-email") => JourneyBuild.Minimal($$"""
        [ { "id": "a", "type": "send", "channel": "email", "template": "{{template}}", "fallback": ["sms", "push"] } ]
        """);

    private static JourneyValidationOptions Known(params string[] ids) => new(ids.ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void Validate_FallbackWithoutItsSibling_IsAnErrorAtThatFallback()
    {
        var errors = JourneyValidator.Validate(CartReminder(), Known("cart-reminder-email", "cart-reminder-sms"));

        var error = Assert.Single(errors);
        Assert.Equal("/nodes/0/fallback/1", error.Pointer);
        Assert.Equal("no push template 'cart-reminder-push' for the fallback channel", error.Message);
    }

    [Fact]
    public void Validate_EveryFallbackWithItsSibling_HasNoError()
    {
        Assert.Empty(JourneyValidator.Validate(CartReminder(), Known("cart-reminder-email", "cart-reminder-sms", "cart-reminder-push")));
    }

    [Fact]
    public void Validate_WithoutKnownTemplates_DoesNotCheckFallbacks()
    {
        Assert.Empty(JourneyValidator.Validate(CartReminder()));
    }

    [Fact]
    public void Validate_TemplateWithoutAChannelSuffix_IsAnErrorAtEachFallback()
    {
        var errors = JourneyValidator.Validate(CartReminder("cart-reminder"), Known("cart-reminder"));

        Assert.Equal(["/nodes/0/fallback/0", "/nodes/0/fallback/1"], errors.Select(e => e.Pointer));
        Assert.All(errors, e => Assert.Contains("does not end in a channel name", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SampleJourneyWithATemplateMissingFromTheList_ReportsTheFallback()
    {
        var known = Samples.Templates.Where(t => t != "cart-reminder-push").ToHashSet(StringComparer.Ordinal);

        var parsed = JourneyReader.Parse(Samples.Text("abandoned-cart"), new JourneyValidationOptions(known));

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Pointer.EndsWith("/fallback/0", StringComparison.Ordinal)
            && e.Message.Contains("'cart-reminder-push'", StringComparison.Ordinal));
    }
}
