using Lodestar.Campaigns;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>
/// <c>GET /api/campaigns/{id}/metrics</c>: sent, delivered, opened, clicked, converted, revenue, cost, CTR, conversion
/// rate and ROI, in total and per journey, node, segment, channel and A-B branch. Query: <c>window</c> (attribution
/// window, "7d"), <c>currency</c> ("CNY"), <c>cost</c> repeated as "sms=0.045".
/// </summary>
public sealed class CampaignApi(CampaignReport report, ApiSecrets secrets)
{
    public async Task<ApiResult> Metrics(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200)
        {
            return Problems.Validation(request, [new("/id", "must be a campaign id of at most 200 characters")]);
        }
        var options = MetricsOptionsParser.Parse(request.Query["window"].ToString(), request.Query["currency"].ToString(), [.. request.Query["cost"].OfType<string>()]);
        if (!options.IsValid)
        {
            return Problems.Validation(request, options.Errors);
        }
        var metrics = await report.ComputeAsync(id, options.Value!, cancellationToken);
        return metrics.Total.Sent == 0
            ? Problems.NotFound(request, $"no sends are recorded for campaign {id}")
            : ApiResult.Ok(metrics);
    }
}
