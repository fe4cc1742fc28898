namespace Lodestar.Tests.Channels.Support;

/// <summary>A clock that moves only when told: token lifetimes are tested without waiting two hours.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
