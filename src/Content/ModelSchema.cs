using System.Collections.Frozen;

namespace Lodestar.Content;

/// <summary>
/// The members a template may use: the shape of <see cref="MessageModel"/> as Liquid sees it. Anything else is an
/// unknown variable, reported when templates load (publish time), not when a customer's message renders.
/// <list type="bullet">
/// <item><c>locale</c>, <c>brand.name</c></item>
/// <item><c>customer.id</c>, <c>.name</c>, <c>.phone</c>, <c>.email</c> (masked forms only), <c>.tier</c>, <c>.segment</c>, <c>.tags.ANY</c></item>
/// <item><c>offer.id</c>, <c>offer.code</c></item>
/// <item><c>products</c> (a list of product names: <c>.size</c>, <c>.first</c>, <c>.last</c>, <c>[i]</c>, <c>for</c>)</item>
/// <item><c>links.unsubscribe</c>, <c>links.shop</c></item>
/// </list>
/// Every value also answers <c>.size</c>, as Liquid strings and lists do.
/// </summary>
public static class ModelSchema
{
    private enum Kind
    {
        Leaf,
        Object,
        Map,
        List,
    }

    private sealed record Node(Kind Kind, FrozenDictionary<string, Node> Members)
    {
        public static readonly Node Leaf = new(Kind.Leaf, FrozenDictionary<string, Node>.Empty);
        public static readonly Node Map = new(Kind.Map, FrozenDictionary<string, Node>.Empty);
        public static readonly Node List = new(Kind.List, FrozenDictionary<string, Node>.Empty);

        public static Node Object(params (string Name, Node Node)[] members) =>
            new(Kind.Object, members.ToFrozenDictionary(m => m.Name, m => m.Node, StringComparer.Ordinal));

        public static Node Leaves(params string[] names) => Object([.. names.Select(n => (n, Leaf))]);
    }

    private static readonly Node Root = Node.Object(
        ("locale", Node.Leaf),
        ("brand", Node.Leaves("name")),
        ("customer", Node.Object(
            ("id", Node.Leaf), ("name", Node.Leaf), ("phone", Node.Leaf), ("email", Node.Leaf),
            ("tier", Node.Leaf), ("segment", Node.Leaf), ("tags", Node.Map))),
        ("offer", Node.Leaves("id", "code")),
        ("products", Node.List),
        ("links", Node.Leaves("unsubscribe", "shop")));

    /// <summary>True when <paramref name="path"/> (identifiers joined by dots) names a member of the model.</summary>
    public static bool IsKnown(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = Root;
        var names = path.Split('.');
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (name == "size" && i > 0)
            {
                return i == names.Length - 1;
            }
            switch (node.Kind)
            {
                case Kind.Object when node.Members.TryGetValue(name, out var child):
                    node = child;
                    break;
                case Kind.Map:
                    node = Node.Leaf;
                    break;
                case Kind.List when name is "first" or "last":
                    node = Node.Leaf;
                    break;
                default:
                    return false;
            }
        }
        return true;
    }
}
