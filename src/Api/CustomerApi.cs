using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Profiles;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>The 360° profile endpoints: read (masked), look up by identifier, merge history, erasure.</summary>
public sealed class CustomerApi(IProfileStore store, PiiProtector pii, ApiSecrets secrets)
{
    public async Task<ApiResult> Get(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (!CustomerId.TryParse(id, out var customer))
        {
            return Problems.Validation(request, [new("/id", "must be a customer id: c_ followed by 16 lower-case hex digits")]);
        }
        // The sealed contact points stay with the store and the senders (docs/adr/0007).
        return await store.GetAsync(customer, cancellationToken) is { } profile
            ? ApiResult.Ok(profile.ForDisplay())
            : Problems.NotFound(request, $"no customer {id}");
    }

    public async Task<ApiResult> Merges(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        return CustomerId.TryParse(id, out var customer)
            ? ApiResult.Ok(await store.MergesAsync(customer, cancellationToken))
            : Problems.Validation(request, [new("/id", "must be a customer id")]);
    }

    /// <summary>
    /// POST /api/customers/lookup with a JSON body holding one of <c>phone</c>, <c>email</c>, <c>member</c>, <c>openid</c>
    /// → the customer id. The raw value travels in the body, never in the URL (which access logs keep), and is hashed
    /// at once.
    /// </summary>
    public async Task<ApiResult> Lookup(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        LookupRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<LookupRequest>(request.Body, DomainJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return Problems.Validation(request, [new("", "is not valid JSON; send {\"phone\": \"…\"} or email, member, openid")]);
        }
        Identifier? id = null;
        if (body?.Phone is { Length: > 0 } phone)
        {
            if (ChinaMobile.Check(phone, out var e164) != ChinaMobile.Verdict.Valid)
            {
                return Problems.Validation(request, [new("/phone", "is not a valid mainland-China mobile number")]);
            }
            id = pii.Protect(IdKind.Phone, e164);
        }
        else if (body?.Email is { Length: > 0 } email)
        {
            id = pii.Protect(IdKind.Email, email.Trim().ToLowerInvariant());
        }
        else if (body?.Member is { Length: > 0 } member)
        {
            id = pii.Protect(IdKind.Member, member.Trim());
        }
        else if (body?.OpenId is { Length: > 0 } openid)
        {
            id = pii.Protect(IdKind.OpenId, openid.Trim());
        }
        if (id is null)
        {
            return Problems.Validation(request, [new("/phone", "give one of phone, email, member or openid")]);
        }
        return await store.FindAsync(id.GraphKey, cancellationToken) is { } customer
            ? ApiResult.Ok(new { customerId = customer.Value })
            : Problems.NotFound(request, $"no customer with that {id.Kind.ToString().ToLowerInvariant()}");
    }

    private sealed record LookupRequest(string? Phone, string? Email, string? Member, string? OpenId);

    /// <summary>Erasure on request (PIPL): profile, events, identities; other customers stay intact.</summary>
    public async Task<ApiResult> Erase(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (!CustomerId.TryParse(id, out var customer))
        {
            return Problems.Validation(request, [new("/id", "must be a customer id")]);
        }
        return await store.EraseAsync(customer, cancellationToken) ? ApiResult.NoContent() : Problems.NotFound(request, $"no customer {id}");
    }
}
