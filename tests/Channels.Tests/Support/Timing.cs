namespace Lodestar.Tests.Channels.Support;

public static class Timing
{
    /// <summary>
    /// Timers may fire a millisecond or so early against the server's stopwatch, so the check allows 25 ms of
    /// scheduling slack; the senders' own back-off in these tests is 20–100 ms, far below the waits asserted.
    /// </summary>
    public static void AssertWaitedAtLeast(TimeSpan retryAfter, RecordedRequest first, RecordedRequest retry)
    {
        var gap = retry.At - first.At;
        Assert.True(gap >= retryAfter - TimeSpan.FromMilliseconds(25),
            $"retried after {gap.TotalMilliseconds:F0} ms; Retry-After asked for {retryAfter.TotalMilliseconds:F0} ms");
    }
}
