using Lodestar.Events;
using Lodestar.Import;
using Lodestar.Simulation;
using Lodestar.Sources;

namespace Lodestar.Learning.Replay;

/// <summary>Where training history comes from: the synthetic shop's requests, or an Online Retail file, as parsed events.</summary>
public static class HistorySources
{
    /// <summary>Online Retail's invoice dates are UK local times; the shop's last invoice is 2011-12-09.</summary>
    public static readonly TimeSpan OnlineRetailOffset = TimeSpan.Zero;

    /// <summary>Cleaning reads the file as received after its last invoice.</summary>
    public static readonly DateTimeOffset OnlineRetailReceivedAt = new(2011, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every request of the shop parsed as the HTTP API parses it; requests that do not parse are skipped (the API answers them 400).</summary>
    public static IEnumerable<RawEvent> SyntheticShop(SyntheticShop shop) =>
        shop.Records.Select(r => IngestRoutes.Parse(r.Route, r.Body, shop.Context)).Where(p => p.IsValid).Select(p => p.Value!);

    /// <summary>The invoices of an Online Retail file (.csv or .csv.gz) as order events; unreadable rows are skipped.</summary>
    public static IEnumerable<RawEvent> OnlineRetail(string path)
    {
        using var file = ImportFile.Open(path);
        foreach (var record in OnlineRetailCsv.Read(file.Content, new SourceContext(OnlineRetailReceivedAt, OnlineRetailOffset)))
        {
            if (record.Parsed.IsValid)
            {
                yield return record.Parsed.Value!;
            }
        }
    }
}
