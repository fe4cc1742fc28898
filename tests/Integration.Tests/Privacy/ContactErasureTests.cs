using System.Net;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Privacy;

/// <summary>
/// Erasure takes the sealed contact points with it (docs/adr/0007): after <c>DELETE /api/customers/{id}</c> no row of any
/// table of the store holds the customer's sealed phone or email, while another customer's stay where they were.
/// </summary>
public sealed class ContactErasureTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private async Task Post(string path, string body)
    {
        var reply = await host.Client.PostAsync(path, body);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{path}: {reply.Status} {reply.Text}");
    }

    /// <summary>Rows, over every column of every table, whose text contains <paramref name="value"/>.</summary>
    private long RowsHolding(string value)
    {
        var rows = 0L;
        foreach (var (table, _) in host.Probe.Pairs("SELECT name, 0 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        {
            foreach (var (column, _) in host.Probe.Pairs($"SELECT name, 0 FROM pragma_table_info('{table}')"))
            {
                rows += host.Probe.Scalar($"SELECT count(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), @v) > 0", ("@v", value));
            }
        }
        return rows;
    }

    [Fact]
    public async Task Erase_ACustomerWithSealedContacts_LeavesNoSealedFormInTheStore()
    {
        var erased = CustomerId.DerivedFrom("member:M-7101").Value;
        await Post("/api/v1/identify", $$"""{"messageId":"ce-1","userId":"M-7101","traits":{"phone":"13671820917","email":"Zhao.Lei@mail-host.cn"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}""");
        await Post("/api/v1/page", $$$"""{"messageId":"ce-2","userId":"M-7101","name":"Orders","context":{"traits":{"email":"zhao.lei@mail-host.cn"}},"timestamp":"{{{Samples.Iso(Samples.T0.AddMinutes(3))}}}"}""");
        await Post("/api/v1/identify", $$"""{"messageId":"ce-3","userId":"M-7102","traits":{"email":"qian.yu@mail-host.cn"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}""");
        var erasedForms = new[] { host.App.Pii.Protect(IdKind.Phone, "+8613671820917").Sealed!, host.App.Pii.Protect(IdKind.Email, "zhao.lei@mail-host.cn").Sealed! };
        var keptForm = host.App.Pii.Protect(IdKind.Email, "qian.yu@mail-host.cn").Sealed!;
        Assert.All(erasedForms, f => Assert.True(RowsHolding(f) >= 2, "the profile and the events hold the sealed form before erasure"));

        var delete = await host.Client.DeleteReplyAsync($"/api/customers/{erased}");

        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        Assert.All(erasedForms, f => Assert.Equal(0, RowsHolding(f)));
        Assert.True(RowsHolding(keptForm) >= 2, "the other customer's sealed email went too");
        // Not even freed pages or the write-ahead log keep a byte-level copy (secure_delete + truncating checkpoint).
        var files = new[] { host.App.Store.Path, host.App.Store.Path + "-wal" }.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        Assert.All(erasedForms, f => Assert.DoesNotContain(files, bytes => bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(f)) >= 0));
    }
}
