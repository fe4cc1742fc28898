namespace Lodestar.Sources;

/// <summary>What a parser needs besides the body: the time of receipt and the tenant's zone offset for local times.</summary>
public sealed record SourceContext(DateTimeOffset ReceivedAt, TimeSpan TenantOffset)
{
    /// <summary>Mainland China (UTC+8), the source documents' market.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
}
