using Lodestar.Learning.Modelling;

namespace Lodestar.Tests.Modelling;

public sealed class SplitTests
{
    private static readonly bool[] Labels = [.. Enumerable.Range(0, 1000).Select(i => i % 4 == 0)];

    [Fact]
    public void HoldOut_IsStratifiedDisjointAndComplete()
    {
        var (train, test) = Split.HoldOut(Labels, 0.2, seed: 5);

        Assert.Equal(200, test.Length);
        Assert.Equal(50, test.Count(i => Labels[i]));
        Assert.Empty(train.Intersect(test));
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(test).Order());
    }

    [Fact]
    public void HoldOut_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        Assert.Equal(Split.HoldOut(Labels, 0.2, 5).Test, Split.HoldOut(Labels, 0.2, 5).Test);
        Assert.NotEqual(Split.HoldOut(Labels, 0.2, 5).Test, Split.HoldOut(Labels, 0.2, 6).Test);
    }

    [Fact]
    public void Folds_KeepClassSharesInEveryFold()
    {
        var folds = Split.Folds(Labels, 5, seed: 9);

        for (var k = 0; k < 5; k++)
        {
            var members = Enumerable.Range(0, Labels.Length).Where(i => folds[i] == k).ToList();
            Assert.Equal(200, members.Count);
            Assert.Equal(50, members.Count(i => Labels[i]));
        }
    }
}
