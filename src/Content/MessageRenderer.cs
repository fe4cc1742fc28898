using System.Collections.Immutable;
using Fluid;
using Lodestar.Journeys;
using Lodestar.Messaging;

namespace Lodestar.Content;

/// <summary>A rendered message, or why it cannot be sent (then <see cref="Content"/> is null).</summary>
public sealed record RenderResult(MessageContent? Content, IReadOnlyList<ContentProblem> Problems)
{
    public bool IsValid => Content is not null;
}

/// <summary>
/// Renders a template for one customer: on a channel the named template is not written for (a send's fallback channel),
/// its sibling for that channel (<see cref="TemplateNames"/>); picks the locale version (customer locale, same language,
/// template default), renders each part with the model (HTML parts escaped, others plain), builds the channel's
/// <see cref="MessageContent"/> and checks it against the channel's limits.
/// </summary>
public sealed class MessageRenderer(TemplateCatalog catalog)
{
    public RenderResult Render(string templateId, Channel channel, string? locale, MessageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (catalog.Find(templateId) is not { } template)
        {
            return Fail(templateId, locale, $"unknown template '{templateId}'");
        }
        if (template.Manifest.Channel != channel)
        {
            // A fallback channel of a send: the node names its own channel's template, this channel has the sibling.
            var sibling = TemplateNames.Sibling(templateId, channel);
            var found = sibling is null ? null : catalog.Find(sibling);
            if (sibling is not null && found is null && catalog.ProblemsFor(sibling) is { Count: > 0 } unusable)
            {
                return new RenderResult(null, unusable);   // the sibling exists but did not load: say why
            }
            if (sibling is null || found is null || found.Manifest.Channel != channel)
            {
                return Fail(templateId, locale, $"'{templateId}' is a {template.Manifest.Channel.Name()} template, not {channel.Name()}, "
                    + (sibling is null ? "and its id does not end in a channel name, so it has no sibling" : $"and there is no {channel.Name()} template '{sibling}'"));
            }
            template = found;
        }
        if (catalog.ProblemsFor(template.Id) is { Count: > 0 } problems)
        {
            return new RenderResult(null, problems);
        }
        return Render(template, template.Resolve(locale ?? model.Locale), model, catalog.Rules);
    }

    /// <summary>Renders one version (a file's or an AI variant's) and checks the result.</summary>
    public static RenderResult Render(ContentTemplate template, TemplateVersion version, MessageModel model, ContentRules rules)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(model);
        if (version.UsesOffer && model.Offer is null)
        {
            return Fail(template.Id, version.Locale, "the template shows an offer but the message has none");
        }
        var values = model.ToLiquid(version.Locale);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<ContentProblem>();
        foreach (var (name, part) in version.Parts)
        {
            try
            {
                var context = new TemplateContext(Liquid.Options);
                foreach (var (key, value) in values)
                {
                    context.SetValue(key, value);
                }
                var output = part.Parsed.Render(context, ChannelParts.IsHtml(name) ? Liquid.Html : NullEncoder.Default);
                texts[name] = output.Trim();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add(new ContentProblem(template.Id, version.Locale, name, $"does not render: {e.Message}"));
            }
        }
        if (problems.Count > 0)
        {
            return new RenderResult(null, problems);
        }
        var content = Build(template.Manifest.Channel, version.Locale, texts);
        var checks = ChannelChecks.Check(template.Id, template.Manifest, content, rules);
        return checks.Count > 0 ? new RenderResult(null, checks) : new RenderResult(content, []);
    }

    private static MessageContent Build(Channel channel, string locale, Dictionary<string, string> texts)
    {
        string? Part(string name) => texts.GetValueOrDefault(name);
        switch (channel)
        {
            case Channel.Email:
                return new MessageContent(Part("text") ?? "", Subject: Part("subject"), Html: Part("html"), Locale: locale);
            case Channel.Push:
                return new MessageContent(Part("body") ?? "", Title: Part("title"), Locale: locale);
            case Channel.MiniProgram:
                var data = texts.Where(t => t.Key.StartsWith(ChannelParts.DataPrefix, StringComparison.Ordinal))
                    .ToImmutableSortedDictionary(t => t.Key[ChannelParts.DataPrefix.Length..], t => t.Value, StringComparer.Ordinal);
                return new MessageContent(string.Join('\n', data.Values), ProviderTemplate: Part("template"), Data: data, Page: Part("page") is { Length: > 0 } page ? page : null, Locale: locale);
            default:
                return new MessageContent(Part("text") ?? "", Locale: locale);
        }
    }

    private static RenderResult Fail(string template, string? locale, string message) =>
        new(null, [new ContentProblem(template, locale, "", message)]);
}
