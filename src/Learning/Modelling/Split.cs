namespace Lodestar.Learning.Modelling;

/// <summary>Seeded, stratified partitions of row indices: each class is shuffled on its own and dealt out, so every part keeps the class shares.</summary>
internal static class Split
{
    /// <summary>Returns (train, test) index lists, each in ascending order.</summary>
    public static (int[] Train, int[] Test) HoldOut(IReadOnlyList<bool> labels, double testShare, int seed)
    {
        var test = new List<int>();
        var train = new List<int>();
        foreach (var (members, salt) in ByClass(labels))
        {
            var shuffled = Shuffle(members, seed, salt);
            var take = (int)Math.Round(shuffled.Length * testShare, MidpointRounding.AwayFromZero);
            test.AddRange(shuffled[..take]);
            train.AddRange(shuffled[take..]);
        }
        return ([.. train.Order()], [.. test.Order()]);
    }

    /// <summary>Fold number (0..folds-1) of each row.</summary>
    public static int[] Folds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        var fold = new int[labels.Count];
        foreach (var (members, salt) in ByClass(labels))
        {
            var shuffled = Shuffle(members, seed, salt + 2);
            for (var k = 0; k < shuffled.Length; k++)
            {
                fold[shuffled[k]] = k % folds;
            }
        }
        return fold;
    }

    private static IEnumerable<(int[] Members, int Salt)> ByClass(IReadOnlyList<bool> labels)
    {
        yield return ([.. Enumerable.Range(0, labels.Count).Where(i => !labels[i])], 0);
        yield return ([.. Enumerable.Range(0, labels.Count).Where(i => labels[i])], 1);
    }

    /// <summary>Fisher-Yates with a seeded generator: the same seed gives the same order on every run and host.</summary>
    private static int[] Shuffle(int[] items, int seed, int salt)
    {
        var copy = (int[])items.Clone();
        var rng = new Random(StableMix(seed, salt));
        for (var i = copy.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }

    /// <summary>HashCode is randomised per process; this mix is not.</summary>
    private static int StableMix(int seed, int salt) => unchecked((seed * 16_777_619) ^ (int)((uint)salt * 2_654_435_761u));
}
