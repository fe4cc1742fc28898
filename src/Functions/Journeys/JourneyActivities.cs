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

/// <summary>The sends of one decision, to be recorded in the ledger at <see cref="ExpectedVersion"/> and handed to the outbox.</summary>
public sealed record SendBatch(CustomerId Customer, long ExpectedVersion, ImmutableArray<Send> Sends);

/// <summary>
/// The journey orchestrator's activities: the only code of the Durable driver that does I/O. Inputs and outputs cross the
/// Durable boundary as <see cref="DomainJson"/> strings, so the Durable serializer never has to know the domain types.
/// </summary>
public sealed class JourneyActivities(IProfileStore profiles, ISendLedger ledger, IJourneyOutbox outbox, TimeProvider time)
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
        return JsonSerializer.Serialize(new CustomerContext(profile, view.History, view.Version), DomainJson.Options);
    }

    /// <summary>Records the sends in the ledger if nobody else sent meanwhile, then hands them over. False: decide again.</summary>
    [Function(SendName)]
    public async Task<bool> Send([ActivityTrigger] string batchJson, CancellationToken cancellationToken)
    {
        var batch = JsonSerializer.Deserialize<SendBatch>(batchJson, DomainJson.Options)!;
        var entries = batch.Sends.Select(s => new LedgerEntry(s.MessageId,
            new SentMessage(s.NotBefore, s.Channel, s.Transactional, s.JourneyId, s.Campaign, s.Offer))).ToList();
        if (!await ledger.TryAppendAsync(batch.Customer, batch.ExpectedVersion, entries, cancellationToken))
        {
            return false;
        }
        foreach (var send in batch.Sends)
        {
            await outbox.EnqueueAsync(send, cancellationToken);
        }
        return true;
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
