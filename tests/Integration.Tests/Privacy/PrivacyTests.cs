using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Privacy;

/// <summary>
/// One realistic session against the real <c>lodestar serve</c> process (its log at Information, as shipped) with raw
/// phone numbers, an email and a national id number, a journey that emails and texts the customer (outbox files), then a
/// <c>backup</c> and a <c>profile</c> export of the same folder. The tests look for the raw values everywhere they could
/// have gone, and for their sealed forms (docs/adr/0007) everywhere but the store.
/// </summary>
public sealed class PrivacySession : IAsyncLifetime
{
    public const string WriteKey = "wk_privacy_0123456789abcdef";

    // The customer's own values, as sources send them.
    public const string Phone = "186 2041 7395";
    public const string PhoneDigits = "18620417395";
    public const string OtherPhone = "+86 137-7052-8164";
    public const string ForeignPhone = "+1 415 555 0132";
    public const string Email = "Li.Wei.8841@qq-mail.cn";
    public const string NationalId = "11010519880915472x";

    public static readonly string Customer = CustomerId.DerivedFrom("member:M-8841").Value;

    private readonly TempFolder _data = new("lodestar-privacy-tests-");

    public string DataPath => _data.Path;

    /// <summary>What the server printed while it ingested (before any lookup).</summary>
    public IReadOnlyList<string> IngestLog { get; private set; } = [];

    /// <summary>What the server printed while the support desk looked the customer up by phone and email.</summary>
    public IReadOnlyList<string> LookupLog { get; private set; } = [];

    /// <summary>Everything else printed: the shutdown, the backup command, the profile command (an export).</summary>
    public IReadOnlyList<string> OtherOutput { get; private set; } = [];

    public IReadOnlyList<string> ProfileExport { get; private set; } = [];

    internal Reply Profile { get; private set; } = null!;

    internal IReadOnlyList<Reply> Lookups { get; private set; } = [];

    /// <summary>Every HTTP answer of the session: ingest, journey, profile and lookup replies.</summary>
    internal IReadOnlyList<Reply> Replies { get; private set; } = [];

    /// <summary>The sealed forms of the customer's valid phone numbers and email, under the folder's own PII key.</summary>
    public IReadOnlyList<string> SealedForms { get; private set; } = [];

    public string OutboxPath => Path.Combine(DataPath, "outbox");

    /// <summary>A journey entered by API that emails and then texts the customer; with no adapter configured, both go to the outbox files.</summary>
    private const string NoticeJourney = """
        {
          "id": "privacy-notice", "version": 1, "name": "privacy-notice",
          "entry": { "type": "api" }, "reEntry": { "type": "never" },
          "start": "mail",
          "nodes": [
            { "id": "mail", "type": "send", "channel": "email", "template": "welcome-email", "transactional": true, "next": "text" },
            { "id": "text", "type": "send", "channel": "sms", "template": "winback-sms", "transactional": true }
          ]
        }
        """;

    public async ValueTask InitializeAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(40));
        var ct = deadline.Token;
        await using (var server = await ServerProcess.ServeAsync(_data.Path, WriteKey, ct))
        {
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = HttpJson.WriteKey(WriteKey);
            var replies = new List<Reply>();
            async Task<Reply> Post(string path, string body, params HttpStatusCode[] expected)
            {
                var reply = await client.PostAsync(path, body);
                replies.Add(reply);
                Assert.True(expected.Contains(reply.Status), $"{path}: {reply.Status} {reply.Text}");
                return reply;
            }
            Task Ok(string path, string body) => Post(path, body, HttpStatusCode.OK);
            static string At(int minutes) => Samples.Iso(Samples.T0.AddMinutes(minutes));

            // Sign-up with Segment's reserved traits and a national id for the membership card, then everyday behaviour.
            await Ok("/api/v1/identify", $$"""{"messageId":"pv-1","userId":"M-8841","anonymousId":"anon-8841","traits":{"phone":"{{Phone}}","email":"{{Email}}","idNumber":"{{NationalId}}","name":"Li Wei","address":"88 Huaihai Rd","gender":"m"},"timestamp":"{{At(0)}}"}""");
            await Ok("/api/v1/track", $$$"""{"messageId":"pv-2","anonymousId":"anon-8841","event":"Checkout Started","properties":{"phone":"{{{OtherPhone}}}","total":259.0},"context":{"traits":{"email":"{{{Email}}}"}},"timestamp":"{{{At(5)}}}"}""");
            await Ok("/api/v1/page", $$$"""{"messageId":"pv-3","anonymousId":"anon-8841","name":"Orders","context":{"traits":{"phone":"{{{Phone}}}"}},"timestamp":"{{{At(6)}}}"}""");
            await Ok("/api/v1/batch", $$"""{"batch":[{"type":"track","messageId":"pv-4","userId":"M-8841","event":"Coupon Applied","properties":{"mobile":"{{PhoneDigits}}"},"timestamp":"{{At(7)}}"},{"type":"identify","messageId":"pv-5","userId":"M-8841","traits":{"phone":"{{ForeignPhone}}"},"timestamp":"{{At(8)}}"}]}""");
            await Ok("/api/webhooks/pos", $$"""{"orderId":"SO-8841","storeId":"BJ-001","phone":"{{Phone}}","timestamp":"{{At(60)}}","lines":[{"sku":"TEA-1","quantity":1,"unitPrice":88}]}""");
            await Ok("/api/webhooks/service", $$"""{"contactId":"CS-8841","phone":"{{OtherPhone}}","channel":"hotline","topic":"refund","complaint":true,"timestamp":"{{At(90)}}"}""");
            // A store order whose only identifier is a phone that is not a mainland mobile: kept in quarantine, with its reason.
            var quarantined = await Post("/api/webhooks/pos", $$"""{"orderId":"SO-8842","storeId":"BJ-001","phone":"{{ForeignPhone}}","timestamp":"{{At(95)}}","lines":[{"sku":"TEA-2","quantity":1,"unitPrice":18}]}""", HttpStatusCode.OK);
            Assert.Equal("quarantined", (string)quarantined.Json["result"]!["outcome"]!);
            await Ok("/api/v1/identify", $$"""{"messageId":"pv-7","userId":"M-8842","traits":{"phone":"{{ForeignPhone}}"},"timestamp":"{{At(96)}}"}""");
            // A journey emails and texts the customer; the serve process's dispatcher writes the outbox files.
            await Post("/api/journeys", NoticeJourney, HttpStatusCode.Created, HttpStatusCode.OK);
            await Post("/api/journeys/privacy-notice/entries", $$"""{"customerId":"{{Customer}}"}""", HttpStatusCode.Accepted);
            while (!(HasLine(Path.Combine(OutboxPath, "email.jsonl")) && HasLine(Path.Combine(OutboxPath, "sms.jsonl"))))
            {
                await Task.Delay(100, ct);
            }
            replies.Add(await client.GetReplyAsync($"/api/customers/{Customer}/journeys"));
            Profile = await client.GetReplyAsync($"/api/customers/{Customer}");
            replies.Add(Profile);
            await Task.Delay(200, ct); // let the console logger drain before the split below
            var ingestLines = server.Output.Count;

            // The support desk looks the customer up by what the caller says.
            Lookups =
            [
                await client.LookupAsync("phone", Phone),
                await client.LookupAsync("email", Email),
            ];
            Replies = [.. replies, .. Lookups];
            await Task.Delay(200, ct);
            var lookupLines = server.Output.Count;
            await server.StopAsync(ct);
            var all = server.Output;
            IngestLog = [.. all.Take(ingestLines)];
            LookupLog = [.. all.Skip(ingestLines).Take(lookupLines - ingestLines)];
            OtherOutput = [.. all.Skip(lookupLines)];
        }

        var backup = await ServerProcess.RunAsync(["backup", "--data", _data.Path], TimeSpan.FromSeconds(20), ct);
        Assert.True(backup.ExitCode == 0, string.Join('\n', backup.Output));
        var export = await ServerProcess.RunAsync(["profile", Customer, "--data", _data.Path], TimeSpan.FromSeconds(20), ct);
        Assert.True(export.ExitCode == 0, string.Join('\n', export.Output));
        ProfileExport = export.Output;
        OtherOutput = [.. OtherOutput, .. backup.Output, .. export.Output];
        SqliteConnection.ClearAllPools();

        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_data.Path, "secrets.json"), ct))!;
        var pii = new PiiProtector(Convert.FromBase64String((string)secrets["piiKey"]!));
        SealedForms =
        [
            pii.Protect(IdKind.Phone, "+86" + PhoneDigits).Sealed!,
            pii.Protect(IdKind.Phone, "+8613770528164").Sealed!,
            pii.Protect(IdKind.Email, Email.ToLowerInvariant()).Sealed!,
        ];
    }

    private static bool HasLine(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllText(path).Contains('\n', StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // being appended to
        }
    }

    public ValueTask DisposeAsync()
    {
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class PrivacyTests(PrivacySession session) : IClassFixture<PrivacySession>
{
    /// <summary>Every form a raw value could be written in: as sent, normalised, digits only, URL-encoded.</summary>
    private static readonly string[] RawForms = Expand(
    [
        PrivacySession.PhoneDigits, "+86" + PrivacySession.PhoneDigits, "186-2041-7395", PrivacySession.Phone,
        "13770528164", "+8613770528164", PrivacySession.OtherPhone,
        "4155550132", "14155550132", PrivacySession.ForeignPhone,
        PrivacySession.Email, "li.wei.8841",
        PrivacySession.NationalId, "110105198809154",
    ]);

    private static string[] Expand(string[] forms) =>
        [.. forms.Concat(forms.Select(Uri.EscapeDataString)).Concat(forms.Select(f => WebUtility.UrlEncode(f)!)).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The raw forms found in <paramref name="content"/>, compared without regard to ASCII case.</summary>
    private static List<string> RawValuesIn(byte[] content)
    {
        var lower = Encoding.Latin1.GetString(content).ToLowerInvariant();
        return [.. RawForms.Where(f => lower.Contains(f.ToLowerInvariant(), StringComparison.Ordinal))];
    }

    private static List<string> RawValuesIn(IEnumerable<string> lines) => RawValuesIn(Encoding.UTF8.GetBytes(string.Join('\n', lines)));

    /// <summary>The customer's sealed forms found in <paramref name="content"/> (base64url: compared exactly).</summary>
    private List<string> SealedFormsIn(byte[] content)
    {
        var text = Encoding.Latin1.GetString(content);
        return [.. session.SealedForms.Where(f => text.Contains(f, StringComparison.Ordinal))];
    }

    private List<string> SealedFormsIn(IEnumerable<string> lines) => SealedFormsIn(Encoding.UTF8.GetBytes(string.Join('\n', lines)));

    /// <summary>The store itself and its backups: the one place sealed contact points belong.</summary>
    private static bool IsStore(string relativePath) =>
        Path.GetFileName(relativePath).StartsWith("lodestar", StringComparison.Ordinal) && Path.GetFileName(relativePath).Contains(".db", StringComparison.Ordinal);

    [Fact]
    public void Profile_AfterSession_ShowsTheMaskedFormsOnly()
    {
        Assert.Equal(HttpStatusCode.OK, session.Profile.Status);
        var json = session.Profile.Json;
        var displays = json["identities"]!.AsArray().Select(i => (string)i!["display"]!).ToList();
        Assert.Contains("186****7395", displays);
        Assert.Contains("137****8164", displays);
        Assert.Contains("l***@qq-mail.cn", displays);
        Assert.Contains("1101**********472X", displays);
        Assert.Equal("L*", (string)json["traits"]!["name"]!);
        Assert.Null(json["traits"]!["address"]);
        Assert.Equal(1, (long)json["counters"]!["complaints"]!);
        Assert.Equal(8800, (long)json["counters"]!["spendMinor"]!);
        Assert.Empty(RawValuesIn(Encoding.UTF8.GetBytes(session.Profile.Text)));
    }

    [Fact]
    public void ApiReplies_AfterSession_HoldNoSealedContact()
    {
        Assert.Equal(3, session.SealedForms.Distinct().Count());
        Assert.True(session.Profile.Json["contacts"] is null or JsonArray { Count: 0 }, "the profile reply shows contact points");
        Assert.All(session.Replies, r => Assert.Empty(SealedFormsIn(Encoding.UTF8.GetBytes(r.Text))));
        Assert.All(session.Replies, r => Assert.Empty(RawValuesIn(Encoding.UTF8.GetBytes(r.Text))));
    }

    [Fact]
    public void OutboxFiles_AfterSendsToTheCustomer_ShowMaskedRecipientsAndNoRawOrSealedValue()
    {
        var email = File.ReadAllLines(Path.Combine(session.OutboxPath, "email.jsonl"));
        var sms = File.ReadAllLines(Path.Combine(session.OutboxPath, "sms.jsonl"));

        Assert.Contains(email, l => l.Contains("email:l***@qq-mail.cn", StringComparison.Ordinal) && l.Contains(PrivacySession.Customer, StringComparison.Ordinal));
        Assert.Contains(sms, l => l.Contains("phone:", StringComparison.Ordinal) && l.Contains("****", StringComparison.Ordinal));
        Assert.Empty(SealedFormsIn([.. email, .. sms]));
        Assert.Empty(RawValuesIn([.. email, .. sms]));
    }

    [Fact]
    public void DataFolder_AfterSession_HoldsSealedContactsInTheStoreOnly()
    {
        var files = Directory.GetFiles(session.DataPath, "*", SearchOption.AllDirectories)
            .Select(f => (File: Path.GetRelativePath(session.DataPath, f), Sealed: SealedFormsIn(File.ReadAllBytes(f)))).ToList();

        Assert.Contains(files, f => IsStore(f.File) && f.Sealed.Count > 0); // the search finds them where they are
        Assert.Empty(files.Where(f => !IsStore(f.File) && f.Sealed.Count > 0).Select(f => $"{f.File}: {f.Sealed.Count} sealed forms"));
    }

    [Fact]
    public void ExportAndLogs_AfterSession_HoldNoSealedContact()
    {
        Assert.Empty(SealedFormsIn(session.ProfileExport));
        Assert.Empty(SealedFormsIn([.. session.IngestLog, .. session.LookupLog, .. session.OtherOutput]));
    }

    [Fact]
    public void Lookup_ByRawPhoneAndEmail_FindsTheCustomer()
    {
        Assert.All(session.Lookups, l => Assert.Equal(PrivacySession.Customer, (string)l.Json["customerId"]!));
    }

    [Fact]
    public void DataFolder_AfterSession_HoldsNoRawValueInAnyFile()
    {
        var files = Directory.GetFiles(session.DataPath, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "lodestar.db");
        Assert.Contains(files, f => Path.GetFileName(f) == "secrets.json");
        Assert.Contains(files, f => Path.GetFileName(Path.GetDirectoryName(f)) == "backups");
        var found = files.Select(f => (File: Path.GetRelativePath(session.DataPath, f), Raw: RawValuesIn(File.ReadAllBytes(f))))
            .Where(x => x.Raw.Count > 0).Select(x => $"{x.File}: {string.Join(", ", x.Raw)}").ToList();
        Assert.Empty(found);
    }

    [Fact]
    public void ProfileExport_AfterSession_ShowsMaskedFormsAndNoRawValue()
    {
        Assert.Contains(session.ProfileExport, l => l.Contains("186****7395", StringComparison.Ordinal));
        Assert.Empty(RawValuesIn(session.ProfileExport));
    }

    [Fact]
    public void ServerLog_WhileIngesting_HoldsNoRawValue()
    {
        Assert.Contains(session.IngestLog, l => l.Contains("/api/v1/identify", StringComparison.Ordinal));
        Assert.Empty(RawValuesIn(session.IngestLog));
        Assert.Empty(RawValuesIn(session.OtherOutput));
    }

    [Fact]
    public void ServerLog_WhileLookingUpByPhoneAndEmail_HoldsNoRawValue()
    {
        Assert.Contains(session.LookupLog, l => l.Contains("/api/customers/lookup", StringComparison.Ordinal));
        Assert.Empty(RawValuesIn(session.LookupLog));
    }
}
