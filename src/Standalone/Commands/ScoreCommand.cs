using System.CommandLine;
using System.Globalization;
using System.Text;
using Lodestar.Import;
using Lodestar.Scoring;
using Lodestar.Validation;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary><c>score rfm|tiers|segments</c>: the scoring runs over the store, and RFM over an orders file.</summary>
internal static class ScoreCommand
{
    internal static Command Create() => new("score", "Scoring runs: RFM scores and segments, lifecycle tiers, segment membership (docs/scoring.md)")
    {
        Rfm(), Tiers(), Segments(),
    };

    private static Option<string?> At() => new("--at") { Description = "Analysis date, yyyy-MM-dd (default: today in the tenant's zone)" };

    private static Option<double> Offset() => new("--utc-offset")
    {
        Description = "Hours east of UTC of the tenant's zone: calendar days and the end of the analysis date are taken there",
        DefaultValueFactory = _ => 8,
    };

    private static Command Rfm()
    {
        var orders = new Option<FileInfo?>("--orders") { Description = "Score an orders CSV (customer_id, order_date, revenue) instead of the store" };
        var at = At();
        var scheme = new Option<FileInfo?>("--scheme") { Description = "RFM scheme JSON (bins and segment rules; default: R rfm's five quantile bins and ten segments)" };
        var output = new Option<FileInfo?>("--out") { Description = "Write per-customer results as CSV (with --orders)" };
        var data = CommonOptions.Data();
        var offset = Offset();
        var json = CommonOptions.Json();
        var command = new Command("rfm", "RFM scores (1-5 by R's type-7 quantile bins) and named segments, as tags on every profile or over an orders file")
        {
            orders, at, scheme, output, data, offset, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryLoad(parse.GetValue(scheme), RfmScheme.Parse, RfmScheme.Default, out var rfmScheme))
            {
                return 2;
            }
            if (parse.GetValue(orders) is { } file)
            {
                if (!TryDate(parse.GetValue(at), null, out var day))
                {
                    return 2;
                }
                return await ScoreFile(file, day, rfmScheme, parse.GetValue(output), parse.GetValue(json));
            }
            if (parse.GetValue(output) is not null)
            {
                await Console.Error.WriteLineAsync("--out writes per-customer results of an orders file: use it with --orders (the store run writes tags)");
                return 2;
            }
            var zone = TimeSpan.FromHours(parse.GetValue(offset));
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            if (!TryDate(parse.GetValue(at), AnalysisDay.DateOf(app.Time.GetUtcNow(), zone), out var date))
            {
                return 2;
            }
            var run = new ScoreRfm(app.Store, rfmScheme, zone);
            var report = await WithProgress(parse.GetValue(json), "RFM", p => run.RunAsync(date, p, ct));
            BenchCommand.Print(new
            {
                analysisDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                report.Profiles,
                customers = report.Scored,
                report.Changed,
                report.Unsaved,
                report.Transactions,
                thresholds = Thresholds(report.Model),
                segments = report.Segments.Select(Segment),
            }, parse.GetValue(json), () =>
            {
                AnsiConsole.MarkupLine($"RFM at [bold]{date:yyyy-MM-dd}[/]: {report.Profiles:N0} profiles, {report.Scored:N0} with orders, {report.Transactions:N0} orders; {report.Changed:N0} profiles' tags changed{(report.Unsaved > 0 ? $", {report.Unsaved:N0} left for the next run (busy)" : "")}");
                AnsiConsole.Write(SegmentTable(report.Segments));
                return ThresholdText(report.Model);
            });
            return 0;
        });
        return command;
    }

    private static async Task<int> ScoreFile(FileInfo file, DateOnly at, RfmScheme scheme, FileInfo? output, bool json)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"no such file: {file.FullName}");
            return 2;
        }
        var orders = new List<RfmOrder>();
        var errors = new List<FieldError>();
        var badRows = 0;
        using (var input = ImportFile.Open(file.FullName))
        {
            foreach (var record in RfmOrdersCsv.Read(input.Content))
            {
                if (record.Order.IsValid)
                {
                    orders.Add(record.Order.Value);
                    continue;
                }
                if (record.Row == 0)
                {
                    await PrintErrors($"{file.Name} is not an RFM orders file (customer_id, order_date, revenue)", record.Order.Errors);
                    return 2;
                }
                badRows++;
                errors.AddRange(record.Order.Errors);
            }
        }
        if (badRows > 0)
        {
            await PrintErrors($"{badRows:N0} unreadable rows skipped", errors.Take(10).ToList());
        }
        var table = RfmOrders.Aggregate(orders, at);
        if (table.Customers.IsEmpty)
        {
            await Console.Error.WriteLineAsync("no readable orders: nothing to score");
            return 1;
        }
        var started = TimeProvider.System.GetTimestamp();
        var analysis = Scoring.Rfm.Analyse(table.Customers, scheme);
        var milliseconds = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
        if (output is not null)
        {
            await WriteCsv(output, analysis);
        }
        BenchCommand.Print(new
        {
            file = file.FullName,
            analysisDate = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            table.Transactions,
            customers = table.Customers.Length,
            unreadableRows = badRows,
            rowErrors = errors.Take(100),
            thresholds = Thresholds(analysis.Model),
            segments = analysis.Segments.Select(Segment),
            scoringMilliseconds = milliseconds,
        }, json, () =>
        {
            AnsiConsole.MarkupLine($"RFM of [bold]{Markup.Escape(file.Name)}[/] at [bold]{at:yyyy-MM-dd}[/]: {table.Transactions:N0} transactions, {table.Customers.Length:N0} customers (scored in {milliseconds:N1} ms)");
            AnsiConsole.Write(SegmentTable(analysis.Segments));
            return ThresholdText(analysis.Model) + (output is null ? "" : $"{Environment.NewLine}per-customer results: {output.FullName}");
        });
        return badRows > 0 ? 1 : 0;
    }

    private static Command Tiers()
    {
        var at = At();
        var rules = new Option<FileInfo?>("--rules") { Description = "Tier rules JSON (default: high value, churn risk, new, active, dormant)" };
        var data = CommonOptions.Data();
        var offset = Offset();
        var json = CommonOptions.Json();
        var command = new Command("tiers", "Lifecycle tiers (tag 'tier') from RFM tags, CLV and churn score when present, and tenure; shares and movement since the last run")
        {
            at, rules, data, offset, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryLoad(parse.GetValue(rules), TierRuleSet.Parse, TierRuleSet.Default, out var tierRules))
            {
                return 2;
            }
            var zone = TimeSpan.FromHours(parse.GetValue(offset));
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            if (!TryDate(parse.GetValue(at), AnalysisDay.DateOf(app.Time.GetUtcNow(), zone), out var date))
            {
                return 2;
            }
            var run = new AssignTiers(app.Store, tierRules);
            var result = await WithProgress(parse.GetValue(json), "tiers", p => run.RunAsync(AnalysisDay.End(date, zone), p, ct));
            var report = result.Report;
            BenchCommand.Print(new
            {
                analysisDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                result.Profiles,
                result.Changed,
                result.Unsaved,
                tiers = report.Tiers,
                moves = report.Moves,
            }, parse.GetValue(json), () =>
            {
                AnsiConsole.MarkupLine($"Tiers at [bold]{date:yyyy-MM-dd}[/]: {result.Profiles:N0} profiles, {result.Changed:N0} changed{(result.Unsaved > 0 ? $", {result.Unsaved:N0} left for the next run (busy)" : "")}");
                var shares = new Table().AddColumns("tier", "customers", "share", "target", "before", "moved in", "moved out");
                foreach (var t in report.Tiers)
                {
                    shares.AddRow(Markup.Escape(t.Name), $"{t.Customers:N0}", $"{t.Share:P1}", t.TargetShare is { } s ? $"{s:P0}" : "", $"{t.Previously:N0}", $"{t.MovedIn:N0}", $"{t.MovedOut:N0}");
                }
                AnsiConsole.Write(shares);
                AnsiConsole.Write(MoveMatrix(tierRules, report));
                return "";
            });
            return 0;
        });
        return command;
    }

    private static Command Segments()
    {
        var at = At();
        var definitions = new Option<FileInfo?>("--segments") { Description = "Segment definitions JSON (an array; default: the example segments of docs/scoring.md)" };
        var data = CommonOptions.Data();
        var offset = Offset();
        var json = CommonOptions.Json();
        var command = new Command("segments", "Refresh segment membership (tags 'segment:<id>'); entering or leaving is a 'Segment Entered'/'Segment Left' event")
        {
            at, definitions, data, offset, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryLoad(parse.GetValue(definitions), SegmentSet.Parse, SegmentSet.Default, out var set))
            {
                return 2;
            }
            var zone = TimeSpan.FromHours(parse.GetValue(offset));
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            if (!TryDate(parse.GetValue(at), AnalysisDay.DateOf(app.Time.GetUtcNow(), zone), out var date))
            {
                return 2;
            }
            var run = new RefreshSegments(app.Store, set);
            var report = await WithProgress(parse.GetValue(json), "segments", p => run.RunAsync(AnalysisDay.End(date, zone), p, ct));
            BenchCommand.Print(new
            {
                analysisDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                report.Profiles,
                report.Changed,
                report.Unsaved,
                segments = report.Segments,
                events = report.Events.Length,
            }, parse.GetValue(json), () =>
            {
                AnsiConsole.MarkupLine($"Segments at [bold]{date:yyyy-MM-dd}[/]: {report.Profiles:N0} profiles, {report.Changed:N0} changed, {report.Events.Length:N0} entered/left events{(report.Unsaved > 0 ? $", {report.Unsaved:N0} left for the next run (busy)" : "")}");
                var table = new Table().AddColumns("segment", "name", "members", "entered", "left");
                foreach (var s in report.Segments)
                {
                    table.AddRow(Markup.Escape(s.SegmentId), Markup.Escape(s.Name), $"{s.Members:N0}", $"{s.Entered:N0}", $"{s.Left:N0}");
                }
                AnsiConsole.Write(table);
                return "";
            });
            return 0;
        });
        return command;
    }

    /// <summary>Reads a configuration file, or takes the default; prints the validation errors with their pointers.</summary>
    internal static bool TryLoad<T>(FileInfo? file, Func<string, Validated<T>> parse, T fallback, out T value)
    {
        value = fallback;
        if (file is null)
        {
            return true;
        }
        if (!file.Exists)
        {
            Console.Error.WriteLine($"no such file: {file.FullName}");
            return false;
        }
        var parsed = parse(File.ReadAllText(file.FullName));
        if (!parsed.IsValid)
        {
            PrintErrors($"{file.Name} is not valid", parsed.Errors).GetAwaiter().GetResult();
            return false;
        }
        value = parsed.Value!;
        return true;
    }

    internal static async Task PrintErrors(string title, IReadOnlyList<FieldError> errors)
    {
        await Console.Error.WriteLineAsync(title + ":");
        foreach (var e in errors)
        {
            await Console.Error.WriteLineAsync($"  {(e.Pointer.Length == 0 ? "(document)" : e.Pointer)}: {e.Message}");
        }
    }

    internal static bool TryDate(string? text, DateOnly? fallback, out DateOnly date)
    {
        date = fallback ?? default;
        if (text is null)
        {
            if (fallback is null)
            {
                Console.Error.WriteLine("--at is required with --orders: the analysis date, e.g. --at 2006-12-31");
                return false;
            }
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        Console.Error.WriteLine($"--at '{text}' is not a date: expected yyyy-MM-dd, e.g. 2006-12-31");
        return false;
    }

    /// <summary>Runs a store pass with a progress bar on the terminal, silently for --json.</summary>
    private static async Task<T> WithProgress<T>(bool json, string title, Func<IProgress<ScoringProgress>?, Task<T>> run)
    {
        if (json)
        {
            return await run(null);
        }
        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{title}: reading profiles", maxValue: 1.0);
                task.IsIndeterminate = true;
                var progress = new Progress<ScoringProgress>(p =>
                {
                    task.Description = $"{title}: {p.Phase} {p.Read:N0} profiles";
                    task.IsIndeterminate = p.Total is null;
                    task.Value = p.Total is > 0 and var total ? Math.Min(1.0, (double)p.Read / total) : 0;
                });
                var result = await run(progress);
                task.IsIndeterminate = false;
                task.Value = 1.0;
                return result;
            });
    }

    private static object Segment(RfmSegmentSummary s) => new { name = s.Name, customers = s.Customers, orders = s.Orders, revenue = s.Revenue, aov = s.Aov };

    private static object? Thresholds(RfmModel? model) => model is null ? null : new
    {
        recency = model.RecencyCuts,
        frequency = model.FrequencyCuts,
        monetary = model.MonetaryCuts,
    };

    private static string ThresholdText(RfmModel? model) => model is null ? "no customer has orders: nothing scored" : string.Join(Environment.NewLine,
        "score cut points (a value at or above a cut point scores higher; recency the other way round):",
        $"  recency days  {Cuts(model.RecencyCuts)}",
        $"  orders        {Cuts(model.FrequencyCuts)}",
        $"  revenue       {Cuts(model.MonetaryCuts)}");

    private static string Cuts(IEnumerable<double> cuts) => string.Join("  ", cuts.Select(c => c.ToString("0.##", CultureInfo.InvariantCulture)));

    private static Table SegmentTable(IEnumerable<RfmSegmentSummary> segments)
    {
        var table = new Table().AddColumns("segment", "customers", "orders", "revenue", "aov");
        foreach (var s in segments)
        {
            table.AddRow(Markup.Escape(s.Name), $"{s.Customers:N0}", $"{s.Orders:N0}", $"{s.Revenue:N0}", s.Orders == 0 ? "" : $"{s.Aov:N1}");
        }
        return table;
    }

    private static Table MoveMatrix(TierRuleSet rules, TierReport report)
    {
        var to = rules.Names.ToList();
        var from = report.Moves.Select(m => m.From).Distinct().ToList();
        var table = new Table().Title("customers moved (rows: before, columns: now)").AddColumn("before \\ now");
        foreach (var name in to)
        {
            table.AddColumn(Markup.Escape(name));
        }
        foreach (var f in from)
        {
            table.AddRow([Markup.Escape(f ?? "(none)"), .. to.Select(t => $"{report.Moves.Where(m => m.From == f && m.To == t).Sum(m => m.Customers):N0}")]);
        }
        return table;
    }

    private static async Task WriteCsv(FileInfo output, RfmAnalysis analysis)
    {
        var text = new StringBuilder("customer_id,recency_days,transaction_count,amount,recency_score,frequency_score,monetary_score,rfm_score,segment\n");
        foreach (var r in analysis.Customers)
        {
            var c = r.Customer;
            text.Append(CultureInfo.InvariantCulture, $"{Quote(c.Key)},{c.RecencyDays},{c.Orders},{c.Monetary:R},{r.Score.Recency},{r.Score.Frequency},{r.Score.Monetary},{r.Score.Code},{Quote(r.Segment)}\n");
        }
        await File.WriteAllTextAsync(output.FullName, text.ToString());
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
