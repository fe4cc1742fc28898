using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Simulation;

namespace Lodestar.Tests;

public sealed class SyntheticShopTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 30, 16, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<SyntheticShop> Shop = new(() => SyntheticShop.Generate(new SyntheticShopOptions { Customers = 800, Seed = 5, End = End }));

    /// <summary>The codes issue 3 asks the generator to inject, each of which it must produce.</summary>
    private static readonly string[] InjectedCodes =
    [
        Reasons.FakePhone, Reasons.TestRecord, Reasons.FutureTimestamp, Reasons.BeforeBusinessStart, Reasons.ImpossibleQuantity,
        Reasons.ZeroPrice, Reasons.ImpossibleAmount, Reasons.DuplicateContent, Reasons.NearDuplicate, Reasons.MissingIdentity,
        Reasons.EmptyRecord, Reasons.Cancellation, Reasons.PhoneNormalised, Reasons.TimestampToUtc, Reasons.RegionCoded,
    ];

    [Fact]
    public void Generate_SameSeed_SameRecords()
    {
        var a = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 150, Seed = 9, End = End });
        var b = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 150, Seed = 9, End = End });

        Assert.Equal(a.Records.Length, b.Records.Length);
        Assert.True(a.Records.Zip(b.Records).All(p => p.First.Route == p.Second.Route && p.First.Body == p.Second.Body
            && p.First.Truth.SequenceEqual(p.Second.Truth)));
        Assert.Equal(a.Phones, b.Phones);
    }

    [Fact]
    public void Generate_OtherSeed_OtherShop()
    {
        var a = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 150, Seed = 9, End = End });
        var b = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 150, Seed = 10, End = End });

        Assert.NotEqual(a.Records.Select(r => r.Body), b.Records.Select(r => r.Body));
    }

    [Fact]
    public void Generate_DirtyShareIsRealistic_AndEveryDefectOccurs()
    {
        var shop = Shop.Value;

        Assert.InRange((double)shop.DirtyRecords / shop.Records.Length, 0.05, 0.08);
        Assert.All(InjectedCodes, code => Assert.True(shop.TruthCounts.GetValueOrDefault(code) >= 5, $"{code}: {shop.TruthCounts.GetValueOrDefault(code)}"));
        Assert.All(shop.Records, r => Assert.Contains(r.Route, IngestRoutes.All));
        Assert.Equal(IngestRoutes.All.Order(), shop.Records.Select(r => r.Route).Distinct().Order());
    }

    [Fact]
    public void Records_AllParseWithTheApiParsers()
    {
        var shop = Shop.Value;

        var failures = shop.Records.Select(r => (r, parsed: IngestRoutes.Parse(r.Route, r.Body, shop.Context)))
            .Where(x => !x.parsed.IsValid).Select(x => $"{x.r.Route} {x.r.Body}: {x.parsed.Errors[0].Pointer} {x.parsed.Errors[0].Message}").ToList();

        Assert.Empty(failures);
    }

    [Fact]
    public void Labels_FakePhone_OnlyWhereTheNumberIsFake()
    {
        foreach (var record in Shop.Value.Records)
        {
            var verdicts = Phones(record.Body).Select(p => ChinaMobile.Check(p, out _)).ToList();
            if (record.Truth.Contains(Reasons.FakePhone))
            {
                Assert.Contains(verdicts, v => v != ChinaMobile.Verdict.Valid);
            }
            else
            {
                Assert.All(verdicts, v => Assert.Equal(ChinaMobile.Verdict.Valid, v));
            }
        }
    }

    [Fact]
    public void Labels_PhoneNormalised_OnlyWhereTheNumberIsNotE164()
    {
        foreach (var record in Shop.Value.Records.Where(r => !r.Truth.Contains(Reasons.FakePhone)))
        {
            var notE164 = Phones(record.Body).Any(p => !(p.Length == 14 && p.StartsWith("+86", StringComparison.Ordinal) && p[3..].All(char.IsAsciiDigit)));
            Assert.Equal(record.Truth.Contains(Reasons.PhoneNormalised), notE164);
        }
    }

    [Fact]
    public void Labels_Timestamps_MatchTheirCodes()
    {
        var shop = Shop.Value;
        foreach (var record in shop.Records)
        {
            var at = IngestRoutes.Parse(record.Route, record.Body, shop.Context).Value!.Timestamp;
            Assert.Equal(record.Truth.Contains(Reasons.FutureTimestamp), at > End + TimeSpan.FromMinutes(5));
            Assert.Equal(record.Truth.Contains(Reasons.BeforeBusinessStart), at.Year < 2000);
            using var body = JsonDocument.Parse(record.Body);
            var stamp = body.RootElement.GetProperty("timestamp");
            var local = stamp.ValueKind == JsonValueKind.String && !stamp.GetString()!.Contains('+', StringComparison.Ordinal) && !stamp.GetString()!.EndsWith('Z');
            Assert.Equal(record.Truth.Contains(Reasons.TimestampToUtc), local);
        }
    }

    [Fact]
    public void Labels_CleanRecordsExpectNoQuarantine_AndCodesAreKnown()
    {
        var known = typeof(Reasons).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        var shop = Shop.Value;

        Assert.All(shop.Records.SelectMany(r => r.Truth), code => Assert.Contains(code, known));
        var clean = shop.Records.Count(r => !r.Truth.Any(SyntheticShop.QuarantineCodes.Contains));
        Assert.True(clean > shop.Records.Length * 0.9);
    }

    [Fact]
    public void Phones_ListsEveryRealNumberInTheBodies()
    {
        var shop = Shop.Value;
        var listed = shop.Phones.ToHashSet();

        var used = shop.Records.SelectMany(r => Phones(r.Body))
            .Select(p => (Verdict: ChinaMobile.Check(p, out var e164), e164))
            .Where(p => p.Verdict == ChinaMobile.Verdict.Valid).Select(p => p.e164[3..]).ToHashSet();

        Assert.NotEmpty(used);
        Assert.Subset(listed, used);
        Assert.All(shop.Phones, p => Assert.Matches("^1[3-9][0-9]{9}$", p));
    }

    private static List<string> Phones(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var phones = new List<string>();
        if (root.TryGetProperty("phone", out var p))
        {
            phones.Add(p.GetString()!);
        }
        if (root.TryGetProperty("traits", out var t) && t.TryGetProperty("phone", out var tp))
        {
            phones.Add(tp.GetString()!);
        }
        return phones;
    }
}
