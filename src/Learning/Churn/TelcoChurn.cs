using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Learning.Modelling;
using Sylvan.Data.Csv;

namespace Lodestar.Learning.Churn;

/// <summary>
/// The IBM Telco customer churn layout (<c>customerID, gender, SeniorCitizen, Partner, Dependents, tenure, ...,
/// MonthlyCharges, TotalCharges, Churn</c>) as a <see cref="Dataset"/>. These are contract and product columns, not
/// profile counters, so they get their own mapping: numeric tenure and charges, yes/no columns as one 0/1 feature,
/// other categories one-hot (levels sorted, so the layout is stable). Blank <c>TotalCharges</c> (customers in their
/// first month, tenure 0, not yet billed) become 0 = tenure × monthly charge, and the report names them; a row that
/// cannot be read at all is left out and named too.
/// </summary>
public static class TelcoChurn
{
    public const string IdColumn = "customerID";
    public const string LabelColumn = "Churn";

    private static readonly string[] Numeric = ["tenure", "MonthlyCharges", "TotalCharges"];

    /// <summary>Reason code of each source column; null: informs the model, never given as a reason (demographics).</summary>
    private static readonly ImmutableSortedDictionary<string, string?> Reasons = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["gender"] = null,
        ["SeniorCitizen"] = null,
        ["Partner"] = null,
        ["Dependents"] = null,
        ["tenure"] = ChurnReasons.Tenure,
        ["PhoneService"] = ChurnReasons.ProductFit,
        ["MultipleLines"] = ChurnReasons.ProductFit,
        ["InternetService"] = ChurnReasons.ServiceQuality,
        ["OnlineSecurity"] = ChurnReasons.Support,
        ["OnlineBackup"] = ChurnReasons.Support,
        ["DeviceProtection"] = ChurnReasons.Support,
        ["TechSupport"] = ChurnReasons.Support,
        ["StreamingTV"] = ChurnReasons.ProductFit,
        ["StreamingMovies"] = ChurnReasons.ProductFit,
        ["Contract"] = ChurnReasons.Contract,
        ["PaperlessBilling"] = ChurnReasons.Billing,
        ["PaymentMethod"] = ChurnReasons.Billing,
        ["MonthlyCharges"] = ChurnReasons.Price,
        ["TotalCharges"] = ChurnReasons.Price,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>Reads the CSV file (as published) into a data set named after the file.</summary>
    public static Dataset Read(string path)
    {
        using var reader = File.OpenText(path);
        return Read(reader, Path.GetFileName(path));
    }

    public static Dataset Read(TextReader text, string name)
    {
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true });
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        var missing = Reasons.Keys.Append(IdColumn).Append(LabelColumn).Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{name}: not the Telco churn layout, missing column(s) {string.Join(", ", missing)}");
        }
        var rows = new List<(string Id, Dictionary<string, string> Values, bool Label)>();
        var notes = ImmutableArray.CreateBuilder<string>();
        var blankTotal = new List<string>();
        var unreadable = new List<string>();
        var line = 1;
        while (csv.Read())
        {
            line++;
            var values = header.ToDictionary(h => h, h => csv.GetString(Array.IndexOf(header, h)).Trim(), StringComparer.Ordinal);
            var id = values[IdColumn];
            var label = values[LabelColumn];
            if (label is not ("Yes" or "No") || !IsNumber(values["tenure"]) || !IsNumber(values["MonthlyCharges"]))
            {
                unreadable.Add($"line {line} ({(id.Length > 0 ? id : "no id")})");
                continue;
            }
            if (values["TotalCharges"].Length == 0)
            {
                // Blank only for customers in their first month: nothing billed yet, so the total is tenure × monthly = 0.
                values["TotalCharges"] = (Number(values["tenure"]) * Number(values["MonthlyCharges"])).ToString(CultureInfo.InvariantCulture);
                blankTotal.Add(id);
            }
            else if (!IsNumber(values["TotalCharges"]))
            {
                unreadable.Add($"line {line} ({id})");
                continue;
            }
            rows.Add((id, values, label == "Yes"));
        }
        if (blankTotal.Count > 0)
        {
            notes.Add($"TotalCharges blank on {blankTotal.Count} row(s), set to tenure × MonthlyCharges (0: tenure is 0, nothing billed yet): {string.Join(", ", blankTotal)}");
        }
        if (unreadable.Count > 0)
        {
            notes.Add($"{unreadable.Count} row(s) left out, unreadable Churn/tenure/charges: {string.Join(", ", unreadable.Take(20))}");
        }

        var features = new List<Feature>();
        var encoders = new List<Func<Dictionary<string, string>, IEnumerable<float>>>();
        foreach (var column in Reasons.Keys.OrderBy(c => Array.IndexOf(header, c)))
        {
            var reason = Reasons[column];
            if (Numeric.Contains(column))
            {
                features.Add(new Feature(column, reason));
                encoders.Add(v => [(float)Number(v[column])]);
                continue;
            }
            var levels = rows.Select(r => r.Values[column]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (levels.Length <= 2)
            {
                // Yes/No (or 0/1, Female/Male): one indicator of the later level.
                var level = levels[^1];
                features.Add(new Feature($"{column}={level}", reason, column));
                encoders.Add(v => [v[column] == level ? 1f : 0f]);
            }
            else
            {
                features.AddRange(levels.Select(l => new Feature($"{column}={l}", reason, column)));
                encoders.Add(v => levels.Select(l => v[column] == l ? 1f : 0f));
            }
        }
        var examples = rows.Select(r => new Example(r.Id, [.. encoders.SelectMany(e => e(r.Values))], r.Label)).ToImmutableArray();
        return new Dataset(name, new FeatureSpace(features), examples, notes.ToImmutable());
    }

    private static bool IsNumber(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
