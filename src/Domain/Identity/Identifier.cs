using System.Text.Json.Serialization;

namespace Lodestar.Identity;

/// <summary>Kinds of identifier, strongest first: the order decides which one names a new customer.</summary>
public enum IdKind
{
    Member = 0,
    UnionId = 1,
    Phone = 2,
    Email = 3,
    NationalId = 4,
    OpenId = 5,
    Anonymous = 6,
}

/// <summary>
/// One identifier of a customer. For personal kinds (phone, email, national id) <see cref="Key"/> holds the keyed
/// hash and <see cref="Display"/> the masked form; the raw value never leaves <see cref="PiiProtector"/>.
/// </summary>
public sealed record Identifier(IdKind Kind, string Key, string Display)
{
    /// <summary>
    /// For phone numbers and emails, the value sealed by <see cref="PiiProtector"/> (AES-GCM, docs/adr/0007): stored
    /// with the event and folded into the profile's contact points so that a sender can recover the address. Equal
    /// values seal to equal text. Null for every other kind and for identifiers rebuilt from the identity graph.
    /// </summary>
    public string? Sealed { get; init; }

    public static bool IsPersonal(IdKind kind) => kind is IdKind.Phone or IdKind.Email or IdKind.NationalId;

    /// <summary>The identity-graph key: kind and value, so that equal values of different kinds never collide.</summary>
    [JsonIgnore]
    public string GraphKey => $"{Kind.ToString().ToLowerInvariant()}:{Key}";
}
