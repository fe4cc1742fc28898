using System.Globalization;
using Lodestar.Messaging.Acs;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Acs;

public sealed class RepeatabilityTests
{
    [Fact]
    public void RequestIdFor_SameMessageId_SameUuidEveryTime()
    {
        Assert.Equal(Repeatability.RequestIdFor("journey-1/node-2/0"), Repeatability.RequestIdFor("journey-1/node-2/0"));
    }

    [Fact]
    public void RequestIdFor_DistinctMessageIds_DistinctUuids()
    {
        var ids = Enumerable.Range(0, 10_000).Select(i => Repeatability.RequestIdFor($"journey-1/node-2/{i}")).ToHashSet();

        Assert.Equal(10_000, ids.Count);
    }

    [Fact]
    public void RequestIdFor_IsAnRfc9562Version8Uuid()
    {
        var text = Repeatability.RequestIdFor("journey-1/node-2/0").ToString();

        Assert.Equal(36, text.Length);
        Assert.Equal('8', text[14]);
        Assert.Contains(text[19], "89ab");
    }

    [Fact]
    public void FirstSent_IsRfc1123OfTheFirstAttemptInUtc()
    {
        var local = Messages.T0.ToOffset(TimeSpan.FromHours(8));

        var text = Repeatability.FirstSent(local);

        Assert.EndsWith(" GMT", text, StringComparison.Ordinal);
        Assert.Equal(Messages.T0, DateTimeOffset.ParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    }
}
