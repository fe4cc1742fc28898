using System.Text;
using Lodestar.Identity;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Identity;

public sealed class PiiProtectorTests
{
    [Theory]
    [InlineData(IdKind.Phone, "+8613812341234", "138****1234")]
    [InlineData(IdKind.Phone, "+8613912847563", "139****7563")]
    [InlineData(IdKind.Phone, "+14155550132", "141****0132")]   // not +86: the national part is everything after '+'
    [InlineData(IdKind.Phone, "+12345", "*****")]              // too short to show anything
    [InlineData(IdKind.Email, "alice@example.com", "a***@example.com")]
    [InlineData(IdKind.Email, "b@corp.cn", "b***@corp.cn")]
    [InlineData(IdKind.Email, "no-at-sign", "***")]
    [InlineData(IdKind.Email, "@corp.cn", "***")]
    [InlineData(IdKind.NationalId, "110101199003071234", "1101**********1234")]
    [InlineData(IdKind.NationalId, "12345678", "********")]
    [InlineData(IdKind.NationalId, "123456789", "1234*6789")]
    [InlineData(IdKind.Member, "M1001", "M1001")]
    public void Mask_ByKind_ShowsOnlyTheAgreedCharacters(IdKind kind, string value, string expected) =>
        Assert.Equal(expected, PiiProtector.Mask(kind, value));

    [Theory]
    [InlineData(IdKind.Phone, "+8613912847563")]
    [InlineData(IdKind.Email, "alice.wang@corp.cn")]
    [InlineData(IdKind.NationalId, "110101199003071234")]
    public void Protect_PersonalKind_HashesTheValueAndMasksTheDisplay(IdKind kind, string value)
    {
        var id = Pii.Protector.Protect(kind, value);

        Assert.Equal(kind, id.Kind);
        Assert.Equal(PiiProtector.Mask(kind, value), id.Display);
        Assert.DoesNotContain(value, id.Key, StringComparison.Ordinal);
        // 20 bytes of HMAC-SHA256 in unpadded base64url: 27 characters of [A-Za-z0-9_-].
        Assert.Equal(27, id.Key.Length);
        Assert.All(id.Key, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        Assert.Equal($"{kind.ToString().ToLowerInvariant()}:{id.Key}", id.GraphKey);
    }

    [Fact]
    public void Protect_SameValueTwice_GivesTheSameKey() =>
        Assert.Equal(Pii.Protector.Protect(IdKind.Phone, "+8613912847563"), Pii.Protector.Protect(IdKind.Phone, "+8613912847563"));

    [Fact]
    public void Protect_DifferentHashingKeys_GiveDifferentKeys()
    {
        var other = new PiiProtector(Encoding.UTF8.GetBytes("another-tenant-hmac-key-000000000000000"));

        Assert.NotEqual(Pii.Protector.Protect(IdKind.Phone, "+8613912847563").Key, other.Protect(IdKind.Phone, "+8613912847563").Key);
    }

    [Fact]
    public void Protect_SameValueOfDifferentKinds_NeverCollides()
    {
        var asEmail = Pii.Protector.Protect(IdKind.Email, "13912847563");
        var asId = Pii.Protector.Protect(IdKind.NationalId, "13912847563");

        Assert.NotEqual(asEmail.Key, asId.Key);
        Assert.NotEqual(asEmail.GraphKey, asId.GraphKey);
    }

    [Theory]
    [InlineData(IdKind.Member, "M1001")]
    [InlineData(IdKind.OpenId, "oAbC123")]
    [InlineData(IdKind.UnionId, "uXyZ")]
    [InlineData(IdKind.Anonymous, "a-77")]
    public void Protect_NonPersonalKind_KeepsTheValue(IdKind kind, string value)
    {
        var id = Pii.Protector.Protect(kind, value);

        Assert.Equal(new Identifier(kind, value, value), id);
    }

    [Fact]
    public void Constructor_KeyShorterThan32Bytes_Throws() =>
        Assert.Throws<ArgumentException>(() => new PiiProtector(new byte[31]));
}
