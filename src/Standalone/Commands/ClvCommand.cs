using System.CommandLine;
using System.Globalization;
using Lodestar.Analytics.Clv;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary>
/// <c>clv</c>: BG/NBD or Pareto/NBD with Gamma-Gamma over a purchases file, P(alive) and discounted CLV per customer
/// (docs/clv.md). The reading and the models live in Lodestar.Analytics; this only parses options and prints.
/// </summary>
internal static class ClvCommand
{
    internal static Command Create()
    {
        var transactions = new Option<FileInfo>("--transactions")
        {
            Description = "Purchases: a customer_id,date,amount CSV (header optional) or the CDNOW_sample.txt layout as is",
            Required = true,
        };
        var calibrationEnd = new Option<string?>("--calibration-end") { Description = "Last day of the calibration period, yyyy-MM-dd (default: the last purchase day in the file)" };
        var horizon = new Option<double>("--horizon-weeks") { Description = "Prediction horizon in weeks", DefaultValueFactory = _ => 52 };
        var model = new Option<string>("--model") { Description = "Model of purchase counts", DefaultValueFactory = _ => "bgnbd" };
        model.AcceptOnlyFromAmong("bgnbd", "pareto");
        var discount = new Option<double>("--discount-rate") { Description = "Monthly discount rate of future value (0.01 = 1% a month)", DefaultValueFactory = _ => 0.01 };
        var top = new Option<int>("--top") { Description = "Customers listed, highest CLV first", DefaultValueFactory = _ => 10 };
        var output = new Option<FileInfo?>("--out") { Description = "Write every customer's results as CSV" };
        var json = CommonOptions.Json();
        var command = new Command("clv", "Customer lifetime value: BG/NBD or Pareto/NBD and Gamma-Gamma fitted by maximum likelihood; P(alive), expected purchases and discounted CLV per customer")
        {
            transactions, calibrationEnd, horizon, model, discount, top, output, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(transactions)!;
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {file.FullName}");
                return 2;
            }
            DateOnly? end = null;
            if (parse.GetValue(calibrationEnd) is { } text)
            {
                if (!DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    await Console.Error.WriteLineAsync($"--calibration-end: '{text}' is not a yyyy-MM-dd date");
                    return 2;
                }
                end = day;
            }
            var options = new ClvOptions
            {
                CalibrationEnd = end,
                HorizonWeeks = parse.GetValue(horizon),
                Model = parse.GetValue(model) == "pareto" ? PurchaseModelKind.ParetoNbd : PurchaseModelKind.BgNbd,
                MonthlyDiscountRate = parse.GetValue(discount),
            };
            var asJson = parse.GetValue(json);

            var read = TransactionFiles.Read(file.FullName);
            if (read.Errors.Length > 0)
            {
                await Console.Error.WriteLineAsync($"{read.Errors.Length:N0} unreadable rows skipped:");
                foreach (var error in read.Errors.Take(10))
                {
                    await Console.Error.WriteLineAsync($"  {error}");
                }
            }
            var started = TimeProvider.System.GetTimestamp();
            var result = asJson
                ? ClvAnalysis.Run(read.Transactions, options)
                : AnsiConsole.Status().Start($"fitting {(options.Model == PurchaseModelKind.ParetoNbd ? "Pareto/NBD" : "BG/NBD")} and Gamma-Gamma", _ => ClvAnalysis.Run(read.Transactions, options));
            var milliseconds = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            if (!result.IsValid)
            {
                foreach (var error in result.Errors)
                {
                    await Console.Error.WriteLineAsync($"{error.Pointer}: {error.Message}");
                }
                return 1;
            }
            var report = result.Value!;
            if (parse.GetValue(output) is { } csv)
            {
                await using var writer = new StreamWriter(csv.FullName);
                ClvResultsCsv.Write(writer, report.Customers);
            }
            BenchCommand.Print(Json(file, read, report, milliseconds, parse.GetValue(top)), asJson, () => Text(file, read, report, milliseconds, parse.GetValue(top), parse.GetValue(output)));
            return read.Errors.Length > 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>The stable <c>--json</c> shape: <c>bgnbd</c>, <c>gammaGamma</c> and, with <c>--model pareto</c>, <c>paretoNbd</c>.</summary>
    private static object Json(FileInfo file, TransactionFile read, ClvReport report, double milliseconds, int top) => new
    {
        file = file.FullName,
        layout = read.Layout,
        transactions = read.Transactions.Length,
        unreadableRows = read.Errors.Length,
        calibrationEnd = report.CalibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        horizonWeeks = report.Options.HorizonWeeks,
        model = report.ParetoNbd is null ? "bgnbd" : "pareto",
        monthlyDiscountRate = report.Options.MonthlyDiscountRate,
        customers = report.Customers.Length,
        report.RepeatCustomers,
        fitMilliseconds = milliseconds,
        bgnbd = new { r = report.BgNbd.Model.R, alpha = report.BgNbd.Model.Alpha, a = report.BgNbd.Model.A, b = report.BgNbd.Model.B, logLikelihood = report.BgNbd.LogLikelihood, converged = report.BgNbd.Converged },
        paretoNbd = report.ParetoNbd is { } pareto
            ? new { r = pareto.Model.R, alpha = pareto.Model.Alpha, s = pareto.Model.S, beta = pareto.Model.Beta, logLikelihood = pareto.LogLikelihood, converged = pareto.Converged }
            : null,
        gammaGamma = new
        {
            p = report.GammaGamma.Model.P,
            q = report.GammaGamma.Model.Q,
            gamma = report.GammaGamma.Model.Gamma,
            logLikelihood = report.GammaGamma.LogLikelihood,
            customers = report.GammaGamma.Customers,
            converged = report.GammaGamma.Converged,
        },
        report.FrequencyMonetaryCorrelation,
        holdout = report.Holdout is { } h
            ? new { from = h.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = h.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), h.Weeks, h.PredictedPurchases, h.ActualPurchases }
            : null,
        totalClv = report.Customers.Sum(c => c.Clv),
        top = report.Customers.Take(top).Select(c => new { c.CustomerId, c.Frequency, c.Recency, c.Age, c.MonetaryValue, c.ProbabilityAlive, c.ExpectedPurchases, c.ExpectedAverageValue, c.Clv, c.HoldoutPurchases }),
        report.Warnings,
        rowErrors = read.Errors.Take(100).Select(e => new { e.Row, e.Column, e.Message }),
    };

    private static string Text(FileInfo file, TransactionFile read, ClvReport report, double milliseconds, int top, FileInfo? output)
    {
        var o = report.Options;
        AnsiConsole.MarkupLine(Inv(
            $"CLV of [bold]{Markup.Escape(file.Name)}[/] ({read.Layout.ToString().ToLowerInvariant()} layout): {report.Transactions:N0} purchase rows to [bold]{report.CalibrationEnd:yyyy-MM-dd}[/], ") +
            Inv($"{report.Customers.Length:N0} customers ({report.RepeatCustomers:N0} with repeat purchases); horizon {o.HorizonWeeks:0.#} weeks, ") +
            Inv($"discount {o.MonthlyDiscountRate * 100:0.##}% a month; fitted in {milliseconds:N0} ms"));
        var bg = report.BgNbd;
        AnsiConsole.WriteLine(Inv($"{"BG/NBD" + Marker(report.ParetoNbd is null),-24} r {bg.Model.R,-8:F4} α {bg.Model.Alpha,-8:F4} a {bg.Model.A,-8:F4} b {bg.Model.B,-8:F4} LL {bg.LogLikelihood:F2}"));
        if (report.ParetoNbd is { } pn)
        {
            AnsiConsole.WriteLine(Inv($"{"Pareto/NBD" + Marker(true),-24} r {pn.Model.R,-8:F4} α {pn.Model.Alpha,-8:F4} s {pn.Model.S,-8:F4} β {pn.Model.Beta,-8:F4} LL {pn.LogLikelihood:F2}"));
        }
        var gg = report.GammaGamma;
        AnsiConsole.WriteLine(Inv($"{"Gamma-Gamma",-24} p {gg.Model.P,-8:F4} q {gg.Model.Q,-8:F4} γ {gg.Model.Gamma,-8:F4} {"",10} LL {gg.LogLikelihood:F2}"));

        var table = new Table().AddColumns("customer", "x", "t_x", "T", "avg", "P(alive)", "E[[buys]]", "E[[avg]]", "CLV");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }
        foreach (var c in report.Customers.Take(top))
        {
            table.AddRow(Markup.Escape(c.CustomerId), Inv($"{c.Frequency}"), Inv($"{c.Recency:F1}"), Inv($"{c.Age:F1}"), Inv($"{c.MonetaryValue:F2}"),
                Inv($"{c.ProbabilityAlive:F3}"), Inv($"{c.ExpectedPurchases:F2}"), Inv($"{c.ExpectedAverageValue:F2}"), Inv($"{c.Clv:N2}"));
        }
        table.Caption(Inv($"top {Math.Min(top, report.Customers.Length)} of {report.Customers.Length:N0} by CLV over {o.HorizonWeeks:0.#} weeks; t_x, T in weeks; avg: spend per purchase; total CLV {report.Customers.Sum(c => c.Clv):N0}"));
        AnsiConsole.Write(table);

        var lines = new List<string> { Inv($"Gamma-Gamma assumes spend independent of frequency: corr(x, mean spend) = {report.FrequencyMonetaryCorrelation:F3}") };
        if (report.Holdout is { } h)
        {
            lines.Add(Inv($"Holdout {h.From:yyyy-MM-dd}..{h.To:yyyy-MM-dd} ({h.Weeks:0.#} weeks): predicted {h.PredictedPurchases:N0} repeat purchases, actual {h.ActualPurchases:N0}"));
        }
        lines.AddRange(report.Warnings.Select(w => "warning: " + w));
        if (output is not null)
        {
            lines.Add($"per-customer results: {output.FullName}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static string Marker(bool predicts) => predicts ? " (predicts)" : "";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
