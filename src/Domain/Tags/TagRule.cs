using System.Collections.Immutable;

namespace Lodestar.Tags;

/// <summary>The four tag families of the source documents.</summary>
public enum TagFamily { Basic, Behaviour, Preference, Value }

/// <summary>When a family's rules run: on every ingested event, on the daily timer, on the monthly timer.</summary>
public enum TagCadence { Realtime, Daily, Monthly }

/// <summary>A condition over profile metrics: a comparison, or all/any of nested conditions.</summary>
public abstract record Condition;

public sealed record Comparison(string Metric, string Op, double? Number, string? Text) : Condition;

public sealed record AllOf(ImmutableArray<Condition> Conditions) : Condition;

public sealed record AnyOf(ImmutableArray<Condition> Conditions) : Condition;

/// <summary>A numeric band: values below <see cref="Below"/> (or any, when null) get <see cref="Value"/>.</summary>
public sealed record Band(double? Below, string Value);

/// <summary>
/// A tag rule, as data. Exactly one of: <see cref="When"/> (the tag is set to <see cref="Value"/> while the condition
/// holds), <see cref="Bands"/> (the metric's band names the value), or neither (the metric's text is the value).
/// </summary>
public sealed record TagRule(
    string Id,
    TagFamily Family,
    TagCadence Cadence,
    string? Metric,
    Condition? When,
    ImmutableArray<Band> Bands,
    string Value = "true");
