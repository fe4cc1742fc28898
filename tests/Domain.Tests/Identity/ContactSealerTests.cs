using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Identity;

/// <summary>The contact vault: phone numbers and emails sealed where they are protected, unsealed only with the same key.</summary>
public sealed class ContactSealerTests
{
    private const string Phone = "+8613912847563";
    private const string Email = "alice.wang@corp.cn";

    [Theory]
    [InlineData(IdKind.Phone, Phone)]
    [InlineData(IdKind.Email, Email)]
    [InlineData(IdKind.Email, "zhang.wei+promo@xn--fiqs8s.cn")]
    public void Protect_PhoneOrEmail_SealsAValueThatUnsealsToItself(IdKind kind, string value)
    {
        var id = Pii.Protector.Protect(kind, value);

        Assert.NotNull(id.Sealed);
        Assert.DoesNotContain(value, id.Sealed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(value, Pii.Protector.Unseal(kind, id.Sealed));
    }

    [Fact]
    public void Protect_SameValueTwice_SealsToTheSameText() =>
        Assert.Equal(Pii.Protector.Protect(IdKind.Email, Email).Sealed, Pii.Protector.Protect(IdKind.Email, Email).Sealed);

    [Fact]
    public void Protect_DifferentValues_SealWithDifferentNonces()
    {
        var nonces = Enumerable.Range(0, 200).Select(i => Bytes(Pii.Protector.Protect(IdKind.Phone, $"+86139{i:D8}").Sealed!)[..12])
            .Select(Convert.ToHexString).ToHashSet();

        Assert.Equal(200, nonces.Count);
    }

    [Fact]
    public void Protect_Seal_DoesNotReuseTheBytesTheKeyShows()
    {
        var id = Pii.Protector.Protect(IdKind.Phone, Phone);
        var shown = Base64Url.DecodeFromChars(id.Key);

        Assert.Equal(20, shown.Length);
        Assert.False(Bytes(id.Sealed!).AsSpan().IndexOf(shown.AsSpan(0, 8)) >= 0, "the sealed text repeats bytes of the published hash");
    }

    [Fact]
    public void Unseal_UnderAnotherKey_GivesNothing()
    {
        var other = new PiiProtector(Encoding.UTF8.GetBytes("another-tenant-hmac-key-000000000000000"));
        var sealedHere = Pii.Protector.Protect(IdKind.Email, Email).Sealed!;

        Assert.Null(other.Unseal(IdKind.Email, sealedHere));
        Assert.NotEqual(sealedHere, other.Protect(IdKind.Email, Email).Sealed);
    }

    [Fact]
    public void Unseal_AsTheOtherKind_GivesNothing()
    {
        var asEmail = Pii.Protector.Protect(IdKind.Email, "13912847563").Sealed!;

        Assert.Null(Pii.Protector.Unseal(IdKind.Phone, asEmail));
        Assert.Null(Pii.Protector.Unseal(IdKind.NationalId, asEmail));
    }

    public static TheoryData<string, Func<string, string>> Tamperings => new()
    {
        { "a nonce byte flipped", s => Flip(s, 0) },
        { "a ciphertext byte flipped", s => Flip(s, 13) },
        { "a tag byte flipped", s => Flip(s, Bytes(s).Length - 1) },
        { "the tag cut off", s => Encode(Bytes(s)[..^16]) },
        { "a byte appended", s => Encode([.. Bytes(s), 0]) },
        { "the scheme prefix removed", s => s[(s.IndexOf('.', StringComparison.Ordinal) + 1)..] },
        { "another scheme prefix", s => "s9" + s[s.IndexOf('.', StringComparison.Ordinal)..] },
        { "not base64url", s => s + "*" },
        { "empty", _ => "" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void Unseal_AlteredText_GivesNothing(string alteration, Func<string, string> alter)
    {
        var sealedText = Pii.Protector.Protect(IdKind.Phone, Phone).Sealed!;

        Assert.True(Pii.Protector.Unseal(IdKind.Phone, alter(sealedText)) is null, alteration);
    }

    [Theory]
    [InlineData(IdKind.NationalId, "110101199003071234")]
    [InlineData(IdKind.Member, "M1001")]
    [InlineData(IdKind.OpenId, "oAbC123")]
    [InlineData(IdKind.Anonymous, "a-77")]
    public void Protect_KindsNothingIsSentTo_AreNotSealed(IdKind kind, string value) =>
        Assert.Null(Pii.Protector.Protect(kind, value).Sealed);

    [Fact]
    public void Clean_RawPhoneAndEmail_SealsTheNormalisedForms()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawMember("M1"), RawPhone("139 1284 7563"), RawEmail(" Alice.Wang@Corp.CN ")]), Clock.T0);

        var phone = Assert.Single(result.Event.Ids, i => i.Kind == IdKind.Phone);
        var email = Assert.Single(result.Event.Ids, i => i.Kind == IdKind.Email);
        Assert.Equal(Phone, Pii.Protector.Unseal(IdKind.Phone, phone.Sealed!));
        Assert.Equal(Email, Pii.Protector.Unseal(IdKind.Email, email.Sealed!));
    }

    [Fact]
    public void Clean_SamePhoneInTwoFormats_StillYieldsOneIdentifier()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("139 1284 7563"), RawPhone("+86-139-1284-7563")]), Clock.T0);

        Assert.Single(result.Event.Ids);
    }

    [Fact]
    public void StoredEvent_RoundTripsTheSealedValue()
    {
        var e = Event(ids: [Pii.Member("M1"), Pii.Email(Email)]);

        var back = JsonSerializer.Deserialize<CustomerEvent>(Json.Serialize(e), DomainJson.Options)!;

        Assert.Equal(e.Ids, back.Ids);
        Assert.Equal(Email, Pii.Protector.Unseal(IdKind.Email, back.Ids[1].Sealed!));
    }

    [Fact]
    public async Task SealAndUnseal_FromManyThreads_AgreeWithOneThread()
    {
        var values = Enumerable.Range(0, 2_000).Select(i => $"+86137{i:D8}").ToArray();
        var expected = values.Select(v => Pii.Protector.Protect(IdKind.Phone, v).Sealed!).ToArray();
        var wrong = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < values.Length; i++)
            {
                var sealedText = Pii.Protector.Protect(IdKind.Phone, values[i]).Sealed!;
                if (sealedText != expected[i] || Pii.Protector.Unseal(IdKind.Phone, sealedText) != values[i])
                {
                    wrong.Add(values[i]);
                }
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Empty(wrong);
    }

    private static byte[] Bytes(string sealedText) => Base64Url.DecodeFromChars(sealedText.AsSpan(sealedText.IndexOf('.', StringComparison.Ordinal) + 1));

    private static string Encode(byte[] bytes) => "s1." + Base64Url.EncodeToString(bytes);

    private static string Flip(string sealedText, int index)
    {
        var bytes = Bytes(sealedText);
        bytes[index] ^= 0x01;
        return Encode(bytes);
    }
}
