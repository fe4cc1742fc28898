using Lodestar.Learning.Churn;
using Lodestar.Learning.Modelling;

namespace Lodestar.Tests.Churn;

public sealed class ChurnRiskCsvTests
{
    [Fact]
    public async Task WriteAsync_OneLinePerCustomer_ReasonsInColumns_FieldsQuoted()
    {
        var risks = new[]
        {
            new ChurnRisk("7590-VHVEG", 0.8125, true, [new Contribution("Contract=Month-to-month", "Contract", "contract", 1.5)], "contract_upgrade_offer"),
            new ChurnRisk("a,b", 0.25, false, [], "personal_outreach"),
        };
        using var text = new StringWriter();

        await ChurnRiskCsv.WriteAsync(text, risks);

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("customer_id,probability,at_risk,strategy,reason_1,feature_1,contribution_1", lines[0], StringComparison.Ordinal);
        Assert.Equal("7590-VHVEG,0.8125,1,contract_upgrade_offer,contract,Contract=Month-to-month,1.5,,,,,,", lines[1]);
        Assert.Equal("\"a,b\",0.25,0,personal_outreach,,,,,,,,,", lines[2]);
    }
}
