using Microsoft.Extensions.Logging;

namespace Lodestar.Adapters.OpenAI;

/// <summary>What copy generation logs: template, segment, tier, locale and outcome. Never a prompt or an answer.</summary>
internal static partial class CopyLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "AI copy for {Template} ({Segment}, {Tier}, {Locale}): {Accepted} variants accepted, {Rejected} rejected")]
    public static partial void Generated(ILogger logger, string template, string segment, string tier, string locale, int accepted, int rejected);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "AI copy for {Template} ({Segment}, {Tier}, {Locale}) fell back to the template: {Reason}")]
    public static partial void FellBack(ILogger logger, string template, string segment, string tier, string locale, string reason);
}
