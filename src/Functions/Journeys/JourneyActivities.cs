using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Microsoft.Azure.Functions.Worker;

namespace Lodestar.Functions.Journeys;

/// <summary>What a decision needs about the customer: the fresh profile and the shared send ledger (with its version).</summary>
public sealed record CustomerContext(Profile? Profile, ImmutableArray<SentMessage> History, long LedgerVersion);

/// <summary>
/// The sends of one decision of instance <see cref="InstanceId"/>, to be recorded in the send ledger at
/// <see cref="ExpectedVersion"/> and then delivered.
/// </summary>
public sealed record SendBatch(CustomerId Customer, long ExpectedVersion, ImmutableArray<Send> Sends, string InstanceId = "");

/// <summary>
/// The Send activity's answer: <see cref="Recorded"/> false when another instance appended to the send ledger first (decide
/// again; nothing was sent), else each message's receipt in the batch's order.
/// </summary>
public sealed record SendBatchResult(bool Recorded, ImmutableArray<SendReceipt> Receipts)
{
    public static readonly SendBatchResult Refused = new(false, []);
}

/// <summary>
/// The journey orchestrator's activities: the only code of the Durable driver that does I/O. Inputs and outputs cross the
/// Durable boundary as <see cref="DomainJson"/> strings, so the Durable serializer never has to know the domain types.
/// </summary>
public sealed class JourneyActivities(IProfileStore profiles, ISendLedger ledger, JourneyDelivery delivery, TimeProvider time)
{
    public const string LoadCustomerName = "JourneyLoadCustomer";
    public const string SendName = "JourneySend";
    public const string UpdateProfileName = "JourneyUpdateProfile";

    [Function(LoadCustomerName)]
    public async Task<string> LoadCustomer([ActivityTrigger] string customer, CancellationToken cancellationToken)
    {
        var id = CustomerId.Parse(customer);
        var profile = await profiles.GetAsync(id, cancellationToken);
        var view = await ledger.ReadAsync(id, cancellationToken);
        // ForDisplay: the sealed contact points stay out of the task hub's history (docs/adr/0007); the engine never needs them.
        return JsonSerializer.Serialize(new CustomerContext(profile?.ForDisplay(), view.History, view.Version), DomainJson.Options);
    }

    /// <summary>
    /// Records the sends in the send ledger if nobody else sent meanwhile, then delivers them one by one (see
    /// <see cref="JourneyDelivery"/> for what makes a re-run harmless). A re-run finds its own append in the ledger and
    /// goes on to delivery. The receipts are final: the channel adapters retry transient failures themselves.
    /// </summary>
    [Function(SendName)]
    public async Task<string> Send([ActivityTrigger] string batchJson, CancellationToken cancellationToken)
    {
        var batch = JsonSerializer.Deserialize<SendBatch>(batchJson, DomainJson.Options)!;
        var entries = batch.Sends.Select(s => new LedgerEntry(s.MessageId,
            new SentMessage(s.NotBefore, s.Channel, s.Transactional, s.JourneyId, s.Campaign, s.Offer))).ToList();
        if (!await ledger.TryAppendAsync(batch.Customer, batch.ExpectedVersion, entries, cancellationToken))
        {
            return JsonSerializer.Serialize(SendBatchResult.Refused, DomainJson.Options);
        }
        var receipts = ImmutableArray.CreateBuilder<SendReceipt>(batch.Sends.Length);
        foreach (var send in batch.Sends)
        {
            receipts.Add(await delivery.DeliverAsync(send, batch.InstanceId, cancellationToken));
        }
        return JsonSerializer.Serialize(new SendBatchResult(true, receipts.MoveToImmutable()), DomainJson.Options);
    }

    [Function(UpdateProfileName)]
    public async Task UpdateProfile([ActivityTrigger] string updateJson, CancellationToken cancellationToken)
    {
        var update = JsonSerializer.Deserialize<UpdateProfile>(updateJson, DomainJson.Options)!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await profiles.GetAsync(update.Customer, cancellationToken) is not { } profile)
            {
                return;
            }
            var tags = profile.Tags;
            foreach (var (tag, value) in update.SetTags)
            {
                tags = tags.SetItem(tag, new TagValue(value, "journey", time.GetUtcNow()));
            }
            if (tags == profile.Tags || (await profiles.SaveAsync([profile with { Tags = tags }], cancellationToken)).Count == 0)
            {
                return;
            }
        }
        throw new InvalidOperationException($"profile {update.Customer} kept changing; the activity will be retried");
    }
}
