using Lodestar.Customers;
using Lodestar.Journeys;

namespace Lodestar.Campaigns;

/// <summary>
/// The A-B arm a send belongs to, for the ledger's branch column. A customer's arm at a random split is a stable hash
/// of (journey, split node, customer) — the engine's own rule — so the dispatcher can name it from the definition
/// without reading the step log: the arm of the nearest random split from whose arm the send node is reachable.
/// </summary>
public static class ExperimentArms
{
    /// <summary>The arm name, or null when the send node lies behind no random split (or the customer is in the holdout).</summary>
    public static string? Of(JourneyDefinition definition, string sendNode, CustomerId customer)
    {
        var nodes = definition.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var split in definition.Nodes.OfType<RandomSplitNode>())
        {
            if (Arm(definition.Id, split, customer) is not { Next: { } next } arm)
            {
                continue;
            }
            var distance = Distance(nodes, next, sendNode);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (arm.Name, distance);
            }
        }
        return best;
    }

    /// <summary>The customer's arm at <paramref name="split"/>: the engine's weighted draw on the stable bucket.</summary>
    public static SplitArm? Arm(string journeyId, RandomSplitNode split, CustomerId customer)
    {
        var total = split.HoldoutWeight + split.Arms.Sum(a => a.Weight);
        var point = JourneyIds.Bucket(journeyId, split.Id, customer) * total;
        foreach (var a in split.Arms)
        {
            if (point < a.Weight)
            {
                return a;
            }
            point -= a.Weight;
        }
        return split.HoldoutWeight > 0 || split.Arms.IsEmpty ? null : split.Arms[^1];
    }

    private static int Distance(Dictionary<string, JourneyNode> nodes, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var frontier = new Queue<(string Node, int Depth)>([(from, 0)]);
        while (frontier.Count > 0)
        {
            var (node, depth) = frontier.Dequeue();
            if (node == to)
            {
                return depth;
            }
            if (!nodes.TryGetValue(node, out var n))
            {
                continue;
            }
            foreach (var (_, target) in n.Edges())
            {
                if (seen.Add(target))
                {
                    frontier.Enqueue((target, depth + 1));
                }
            }
        }
        return int.MaxValue;
    }
}
