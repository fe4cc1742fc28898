namespace Lodestar.Journeys;

/// <summary>
/// The naming rule that gives each channel of a send its own content: template ids end in the channel they are written
/// for (<c>&lt;base&gt;-&lt;channel&gt;</c>, e.g. <c>cart-reminder-email</c>), and the template for another channel
/// <c>C</c> of the same send is its sibling <c>&lt;base&gt;-&lt;C&gt;</c> (<c>cart-reminder-push</c>). A send node
/// names one template, for its own channel; its fallback channels find theirs by this rule, which the journey validator
/// checks at publish time and the renderer applies at send time.
/// </summary>
public static class TemplateNames
{
    /// <summary>
    /// The template that carries <paramref name="node"/>'s message on <paramref name="channel"/>: the node's own template
    /// on the node's channel, else the sibling (<see cref="Sibling"/>); null when the node's template id does not end in a
    /// channel name, so no sibling can be named.
    /// </summary>
    public static string? For(SendNode node, Channel channel) =>
        channel == node.Channel ? node.Template : Sibling(node.Template, channel);

    /// <summary>
    /// <c>&lt;base&gt;-&lt;channel&gt;</c> for a <paramref name="template"/> id <c>&lt;base&gt;-&lt;X&gt;</c> whose last
    /// dash-separated word <c>X</c> is a channel name (the id itself when X is <paramref name="channel"/>); null when the
    /// id has no channel suffix or nothing before it.
    /// </summary>
    public static string? Sibling(string template, Channel channel) =>
        TrySplit(template, out var stem, out _) ? stem + "-" + channel.Name() : null;

    /// <summary>Splits <c>cart-reminder-email</c> into the base <c>cart-reminder</c> and the channel it is written for.</summary>
    public static bool TrySplit(string template, out string stem, out Channel channel)
    {
        var dash = template.LastIndexOf('-');
        if (dash > 0 && Channels.TryParse(template[(dash + 1)..], out channel))
        {
            stem = template[..dash];
            return true;
        }
        stem = "";
        channel = default;
        return false;
    }
}
