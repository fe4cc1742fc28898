using System.Collections.Immutable;
using Lodestar.Events;

namespace Lodestar.Cleaning;

/// <summary>
/// A record after the stateless cleaning rules: the cleaned event (always present, so a quarantined record can be kept
/// with its reasons) and every rule's finding. Order lines that were quarantined are removed from the event and
/// listed as line findings.
/// </summary>
public sealed record CleanResult(CustomerEvent Event, ImmutableArray<Finding> Findings)
{
    /// <summary>The whole record is kept aside: a record-level rule fired, or no order line survived.</summary>
    public bool Quarantined => Findings.Any(f => f.Quarantines && (f.Line < 0 || Event.Order is { Lines.IsEmpty: true }));

    public IEnumerable<Finding> QuarantinedLines => Findings.Where(f => f.Quarantines && f.Line >= 0);
}
