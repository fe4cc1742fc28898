using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Learning.Churn;
using Lodestar.Learning.Conversion;
using Lodestar.Learning.Modelling;
using Lodestar.Simulation;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary><c>model churn|conversion</c>: train, calibrate and evaluate the churn early warning and the 7-day purchase propensity (docs/models.md).</summary>
internal static class ModelCommand
{
    private static readonly JsonSerializerOptions Json = new(DomainJson.Options) { WriteIndented = true };

    internal static Command Create() => new("model", "Churn early warning and conversion propensity: training, calibration, evaluation (docs/models.md)")
    {
        Churn(), Conversion(),
    };

    private static Option<int> Seed() => new("--seed") { Description = "Seed of the splits and learners (same seed, same result)", DefaultValueFactory = _ => TrainingOptions.Default.Seed };

    private static Option<string> LearnerOption() => new("--learner")
    {
        Description = "auto (logistic regression and LightGBM, the better validation AUC wins), logisticRegression, lightGbm or fastTree",
        DefaultValueFactory = _ => "auto",
    };

    private static Option<CalibrationMethod> Calibration() => new("--calibration") { Description = "platt or isotonic", DefaultValueFactory = _ => CalibrationMethod.Platt };

    private static Option<int> Top() => new("--top") { Description = "How many customers to list", DefaultValueFactory = _ => 10 };

    private static Command Churn()
    {
        var train = new Option<FileInfo?>("--train") { Description = "The IBM Telco churn CSV, as published" };
        var retail = new Option<FileInfo?>("--retail") { Description = "Instead: profile features, replaying an Online Retail file (cut-off 2011-09-01, 91-day windows)" };
        var seed = Seed();
        var learner = LearnerOption();
        var calibration = Calibration();
        var top = Top();
        var output = new Option<FileInfo?>("--out") { Description = "Write the hold-out customers' risk, reasons and strategy as CSV" };
        var json = CommonOptions.Json();
        var command = new Command("churn", "Train and evaluate the churn early warning: ROC AUC, precision and recall at the threshold, calibration by decile, majority baseline, reason codes and strategies")
        {
            train, retail, seed, learner, calibration, top, output, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var telco = parse.GetValue(train);
            var history = parse.GetValue(retail);
            if ((telco is null) == (history is null))
            {
                await Console.Error.WriteLineAsync("give one of --train FILE (Telco CSV) or --retail FILE (Online Retail, profile features)");
                return 2;
            }
            var file = (telco ?? history)!;
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {file.FullName}");
                return 2;
            }
            if (!TryOptions(parse.GetValue(seed), parse.GetValue(learner)!, parse.GetValue(calibration), out var options))
            {
                return 2;
            }
            var asJson = parse.GetValue(json);
            var run = await Busy(asJson, $"training on {file.Name}", async () =>
            {
                var data = telco is not null ? TelcoChurn.Read(file.FullName) : await ProfileChurnFeatures.OnlineRetailAsync(file.FullName, ct);
                return new ChurnModel().Train(data, options);
            });
            if (parse.GetValue(output) is { } csv)
            {
                await using var writer = new StreamWriter(csv.FullName);
                await ChurnRiskCsv.WriteAsync(writer, run.TestRisks);
            }
            var n = parse.GetValue(top);
            if (asJson)
            {
                var node = JsonSerializer.SerializeToNode(run.Report, Json)!.AsObject();
                node["strategies"] = JsonSerializer.SerializeToNode(StrategyCounts(run.TestRisks), Json);
                node["atRisk"] = JsonSerializer.SerializeToNode(run.TestRisks.Where(r => r.AtRisk).Take(n), Json);
                Console.WriteLine(node.ToJsonString(Json));
                return 0;
            }
            WriteReport(run.Report);
            var risks = new Table().Title($"highest risk on the hold-out (of {run.TestRisks.Count(r => r.AtRisk):N0} at or above the threshold)")
                .AddColumns("customer", "probability", "reasons (push on the score)", "strategy");
            foreach (var r in run.TestRisks.Take(n))
            {
                risks.AddRow(Markup.Escape(r.CustomerId), $"{r.Probability:P1}",
                    Markup.Escape(string.Join("; ", r.Reasons.Select(c => $"{c.Feature} ({c.Reason}) +{c.Value:N2}"))), Markup.Escape(r.Strategy));
            }
            AnsiConsole.Write(risks);
            var strategies = new Table().Title("retention strategy of the customers at risk").AddColumns("strategy", "customers");
            foreach (var (strategy, count) in StrategyCounts(run.TestRisks))
            {
                strategies.AddRow(Markup.Escape(strategy), $"{count:N0}");
            }
            AnsiConsole.Write(strategies);
            if (parse.GetValue(output) is { } written)
            {
                AnsiConsole.WriteLine($"per-customer results: {written.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static Command Conversion()
    {
        var customers = new Option<int>("--customers") { Description = "Customers in the synthetic shop", DefaultValueFactory = _ => 5_000 };
        var shopSeed = new Option<int>("--shop-seed") { Description = "Seed of the synthetic shop", DefaultValueFactory = _ => 1 };
        var retail = new Option<FileInfo?>("--retail") { Description = "Also evaluate on an Online Retail file (.csv or .csv.gz)" };
        var cutoff = new Option<string?>("--cutoff") { Description = "Online Retail cut-off, yyyy-MM-dd (default 2011-09-01): features before it, label = an invoice in the 7 days after" };
        var seed = Seed();
        var learner = LearnerOption();
        var calibration = Calibration();
        var top = Top();
        var json = CommonOptions.Json();
        var command = new Command("conversion", "Train and evaluate the 7-day purchase propensity on the synthetic shop (and Online Retail); list the segment at >= 0.70 (tag propensity_7d)")
        {
            customers, shopSeed, retail, cutoff, seed, learner, calibration, top, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryOptions(parse.GetValue(seed), parse.GetValue(learner)!, parse.GetValue(calibration), out var options))
            {
                return 2;
            }
            DateTimeOffset? cut = null;
            if (parse.GetValue(cutoff) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    await Console.Error.WriteLineAsync($"--cutoff {text}: expected yyyy-MM-dd");
                    return 2;
                }
                cut = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }
            var file = parse.GetValue(retail);
            if (file is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"no such file: {file.FullName}");
                return 2;
            }
            var asJson = parse.GetValue(json);
            var propensity = new ConversionPropensity(new ConversionOptions { Training = options });
            var shopOptions = new SyntheticShopOptions
            {
                Customers = parse.GetValue(customers),
                Seed = parse.GetValue(shopSeed),
                End = new DateTimeOffset(2025, 6, 30, 23, 59, 59, SyntheticShop.ShopOffset),
            };
            var runs = new List<(string Key, ConversionRun Run)>
            {
                ("synthetic", await Busy(asJson, "synthetic shop: generating, replaying, training", () =>
                    propensity.RunSyntheticAsync(SyntheticShop.Generate(shopOptions), ct))),
            };
            if (file is not null)
            {
                runs.Add(("onlineRetail", await Busy(asJson, $"{file.Name}: replaying, training", () => propensity.RunOnlineRetailAsync(file.FullName, cut, ct))));
            }
            var n = parse.GetValue(top);
            if (asJson)
            {
                var root = new JsonObject();
                foreach (var (key, run) in runs)
                {
                    var node = JsonSerializer.SerializeToNode(run.Report, Json)!.AsObject();
                    node["atSegmentThreshold"] = JsonSerializer.SerializeToNode(run.AtSegmentThreshold, Json);
                    node["segment"] = JsonSerializer.SerializeToNode(new
                    {
                        at = run.Segment.At,
                        threshold = run.Segment.Threshold,
                        tag = ConversionOptions.TagName,
                        bands = run.Segment.Bands,
                        members = run.Segment.Members.Length,
                        top = run.Segment.Members.Take(n),
                    }, Json);
                    root[key] = node;
                }
                Console.WriteLine(root.ToJsonString(Json));
                return 0;
            }
            foreach (var (_, run) in runs)
            {
                WriteReport(run.Report);
                var s = run.AtSegmentThreshold;
                AnsiConsole.MarkupLine($"At the segment threshold {run.Segment.Threshold:0.00} on the hold-out: {s.TruePositives + s.FalsePositives:N0} would enter, {s.TruePositives:N0} of them bought ({s.Precision:P1}); {s.Recall:P1} of the buyers");
                var segment = new Table().Title($"{ConversionOptions.TagName} at {run.Segment.At:yyyy-MM-dd HH:mm}: {run.Segment.Members.Length:N0} of {run.Segment.Scores.Length:N0} customers in the segment")
                    .AddColumns("band", "customers");
                foreach (var (band, count) in run.Segment.Bands)
                {
                    segment.AddRow(band, $"{count:N0}");
                }
                AnsiConsole.Write(segment);
                if (run.Segment.Members.Length > 0)
                {
                    var members = new Table().AddColumns("customer", "probability");
                    foreach (var m in run.Segment.Members.Take(n))
                    {
                        members.AddRow(m.CustomerId, $"{m.Probability:P1}");
                    }
                    AnsiConsole.Write(members);
                }
            }
            return 0;
        });
        return command;
    }

    private static bool TryOptions(int seed, string learner, CalibrationMethod calibration, out TrainingOptions options)
    {
        options = TrainingOptions.Default with { Seed = seed, Calibration = calibration };
        if (learner.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (!Enum.TryParse<Learner>(learner, ignoreCase: true, out var one) || !Enum.IsDefined(one))
        {
            Console.Error.WriteLine($"--learner {learner}: expected auto, logisticRegression, lightGbm or fastTree");
            return false;
        }
        options = options with { Learners = [one] };
        return true;
    }

    private static Task<T> Busy<T>(bool quiet, string what, Func<Task<T>> work) =>
        quiet ? work() : AnsiConsole.Status().StartAsync(what, _ => work());

    private static IEnumerable<KeyValuePair<string, int>> StrategyCounts(IEnumerable<ChurnRisk> risks) =>
        risks.Where(r => r.AtRisk).GroupBy(r => r.Strategy, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, g.Count()));

    /// <summary>The evaluation report as tables: learners tried, metrics against the baseline, calibration by bin, notes.</summary>
    private static void WriteReport(EvaluationReport r)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(r.Dataset)}[/]: {r.Rows:N0} rows, trained on {r.TrainRows:N0}, held out {r.TestRows:N0} ({r.TestPositives:N0} positive), seed {r.Seed}");
        var learners = new Table().Title("learners (chosen by mean validation AUC over the folds of the training part)")
            .AddColumns("learner", "validation AUC", "hold-out AUC", "");
        foreach (var c in r.Candidates)
        {
            learners.AddRow(c.Learner.ToString(), $"{c.ValidationAuc:F4}", $"{c.TestAuc:F4}", c.Chosen ? "chosen" : "");
        }
        AnsiConsole.Write(learners);
        var metrics = new Table().Title($"hold-out evaluation ({r.Learner}, {r.CalibrationMethod} calibration)").AddColumns("metric", "value");
        metrics.AddRow("ROC AUC", $"{r.Auc:F4}");
        metrics.AddRow("threshold", $"{r.Threshold:F3}");
        metrics.AddRow("accuracy", $"{r.Accuracy:P2}");
        metrics.AddRow("majority-class baseline accuracy", $"{r.BaselineAccuracy:P2}");
        metrics.AddRow("precision", $"{r.Precision:P2}");
        metrics.AddRow("recall", $"{r.Recall:P2}");
        metrics.AddRow("F1", $"{r.F1:F3}");
        metrics.AddRow("Brier score", $"{r.Brier:F4}");
        metrics.AddRow("log loss", $"{r.LogLoss:F4}");
        metrics.AddRow("confusion (TP / FP / TN / FN)", $"{r.Confusion.TruePositives:N0} / {r.Confusion.FalsePositives:N0} / {r.Confusion.TrueNegatives:N0} / {r.Confusion.FalseNegatives:N0}");
        AnsiConsole.Write(metrics);
        var calibration = new Table().Title("calibration: predicted vs observed by bin of predicted probability")
            .AddColumns("bin", "rows", "predicted range", "mean predicted", "observed", "positives");
        foreach (var b in r.Calibration)
        {
            calibration.AddRow($"{b.Bin}", $"{b.Rows:N0}", $"{b.MinPredicted:F3}–{b.MaxPredicted:F3}", $"{b.MeanPredicted:P1}", $"{b.ObservedRate:P1}", $"{b.Positives:N0}");
        }
        AnsiConsole.Write(calibration);
        foreach (var note in r.Notes)
        {
            AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        }
    }
}
