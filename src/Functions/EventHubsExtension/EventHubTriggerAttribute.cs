// A declaration of the public surface of EventHubTriggerAttribute from the package
// Microsoft.Azure.Functions.Worker.Extensions.EventHubs 6.5.0, written from its documented API (names, signatures,
// defaults), for builds where NuGet cannot supply that package. It is compiled only in such builds
// (EventHubsExtension.targets removes this folder from Compile when the package is referenced), and those builds
// refuse to publish: the host would have no Event Hubs extension to bind it to.
// See docs/adr/0001-event-hubs-trigger-without-its-package.md.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Marks a function that Event Hubs events trigger (declaration of the package's attribute; see file header).</summary>
[BindingCapabilities(KnownBindingCapabilities.FunctionLevelRetry)]
public sealed class EventHubTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    private bool _isBatched = true;

    /// <param name="eventHubName">The event hub to listen on; may be an app setting as <c>%Name%</c>.</param>
    public EventHubTriggerAttribute(string eventHubName)
    {
        EventHubName = eventHubName;
    }

    /// <summary>Name of the event hub.</summary>
    public string EventHubName { get; private set; }

    /// <summary>The consumer group; <c>$Default</c> when not set.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>The app setting (or setting prefix, for identity-based connections) that names the Event Hubs connection.</summary>
    public string? Connection { get; set; }

    /// <summary>Whether the function receives a batch of events (the default) or one at a time.</summary>
    [DefaultValue(true)]
    public bool IsBatched
    {
        get => _isBatched;
        set => _isBatched = value;
    }

    Cardinality ISupportCardinality.Cardinality
    {
        get => _isBatched ? Cardinality.Many : Cardinality.One;
        set => _isBatched = value == Cardinality.Many;
    }
}
