using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Simulation;
using Lodestar.Standalone.Journeys;
using Lodestar.Validation;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary>
/// <c>journey validate FILE</c>: a definition's errors, each with its JSON pointer. <c>journey simulate FILE</c>: runs the
/// journey over the synthetic shop with a fake clock and prints per-node counts, sends per channel, suppressions by
/// reason, goal conversions and A/B split shares (docs/journeys.md).
/// </summary>
internal static class JourneyCommand
{
    /// <summary>The synthetic shop's last instant (midnight in Shanghai): fixed, so a seed always gives the same run.</summary>
    private static readonly DateTimeOffset ShopEnd = new(2026, 6, 30, 16, 0, 0, TimeSpan.Zero);

    internal static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Journey definition JSON (journeys/*.json; format: journeys/journey.schema.json)" };
        var templates = new Option<FileInfo?>("--templates")
        {
            Description = "Known template ids: a JSON array, or an object with a \"templates\" array (default: templates.json beside the file, if any)",
        };
        var json = CommonOptions.Json();
        var validate = new Command("validate", "Check a journey definition; list each error with its JSON pointer") { file, templates, json };
        validate.SetAction(async (parse, ct) =>
        {
            var (definition, code) = await Load(parse.GetValue(file)!, parse.GetValue(templates), parse.GetValue(json), ct);
            if (definition is null)
            {
                return code;
            }
            Print(new
            {
                valid = true,
                id = definition.Id,
                version = definition.Version,
                name = definition.Name,
                nodes = definition.Nodes.Length,
                entry = Describe(definition.Entry),
            }, parse.GetValue(json), () =>
                $"{definition.Key} \"{definition.Name}\" is valid: {definition.Nodes.Length} nodes, entry {Describe(definition.Entry)}, start {definition.Start}");
            return 0;
        });

        var simFile = new Argument<FileInfo>("file") { Description = "Journey definition JSON" };
        var customers = new Option<int>("--customers") { Description = "Synthetic shop customers", DefaultValueFactory = _ => 2_000 };
        var days = new Option<int>("--days") { Description = "Days simulated: the shop's last D days of events, with a fake clock", DefaultValueFactory = _ => 14 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic shop", DefaultValueFactory = _ => 1 };
        var simTemplates = new Option<FileInfo?>("--templates") { Description = "Known template ids (as for validate)" };
        var simJson = CommonOptions.Json();
        var simulate = new Command("simulate", "Run a journey over the synthetic shop with a fake clock and report what it would do")
        {
            simFile, customers, days, seed, simTemplates, simJson,
        };
        simulate.SetAction(async (parse, ct) =>
        {
            var asJson = parse.GetValue(simJson);
            var (definition, code) = await Load(parse.GetValue(simFile)!, parse.GetValue(simTemplates), asJson, ct);
            if (definition is null)
            {
                return code;
            }
            var n = parse.GetValue(customers);
            var d = parse.GetValue(days);
            if (n < 1 || d < 1 || d > 365)
            {
                await Console.Error.WriteLineAsync("--customers must be 1 or more and --days between 1 and 365");
                return 2;
            }
            if (!asJson)
            {
                await Console.Error.WriteLineAsync($"generating a shop of {n:N0} customers (seed {parse.GetValue(seed)}) and ingesting it in memory…");
            }
            var population = await ShopPopulation.BuildAsync(n, parse.GetValue(seed), d, ShopEnd, ct);
            var report = JourneySimulator.Run(definition, population.Customers, new SimulationOptions
            {
                Start = population.Start,
                End = population.End,
                Fold = population.Fold,
            });
            PrintReport(definition, report, population, parse.GetValue(seed), asJson);
            return 0;
        });

        return new Command("journey", "Journey definitions: validate, simulate, publish; a customer's step log (docs/journeys.md)")
        {
            validate, simulate, Publish(), Log(),
        };
    }

    // ---------------------------------------------------------------- publish and log (the persisted driver's store)

    private static Command Publish()
    {
        var file = new Argument<FileInfo>("file") { Description = "Journey definition JSON to publish (validated first)" };
        var templates = new Option<FileInfo?>("--templates") { Description = "Known template ids (as for validate)" };
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var command = new Command("publish", "Validate a journey definition and publish it to the data folder's store; `serve` runs it") { file, templates, data, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var asJson = parse.GetValue(json);
            var (definition, code) = await Load(path, parse.GetValue(templates), asJson, ct);
            if (definition is null)
            {
                return code;
            }
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var (_, outcome) = await app.Journeys.PublishAsync(await File.ReadAllTextAsync(path.FullName, ct), ct);
            Print(new { id = definition.Id, version = definition.Version, outcome = outcome.ToString()!.ToLowerInvariant() }, asJson, () => outcome switch
            {
                Lodestar.Journeys.Driving.PublishOutcome.Published => $"published {definition.Key} \"{definition.Name}\"",
                Lodestar.Journeys.Driving.PublishOutcome.Unchanged => $"{definition.Key} was already published with this definition",
                _ => $"{definition.Key} is already published with a different definition: publish it as a new version",
            });
            return outcome == Lodestar.Journeys.Driving.PublishOutcome.VersionTaken ? 1 : 0;
        });
        return command;
    }

    private static Command Log()
    {
        var customer = new Argument<string>("customer") { Description = "Customer id (c_…)" };
        var lines = new Option<int>("--lines") { Description = "Most recent step log lines shown", DefaultValueFactory = _ => 200 };
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var command = new Command("log", "A customer's journey instances and step log, as a support person reads them") { customer, lines, data, json };
        command.SetAction(async (parse, ct) =>
        {
            if (!CustomerId.TryParse(parse.GetValue(customer), out var id))
            {
                await Console.Error.WriteLineAsync("the customer must be a customer id: c_ followed by 16 lower-case hex digits");
                return 2;
            }
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var journeys = await app.Store.CustomerAsync(id, parse.GetValue(lines), ct);
            if (parse.GetValue(json))
            {
                Print(Lodestar.Standalone.Journeys.JourneyApi.View(journeys), json: true, () => "");
                return 0;
            }
            if (journeys.Instances.IsEmpty)
            {
                Console.WriteLine($"{id.Value} has no journey instances");
                return 0;
            }
            Console.WriteLine($"{id.Value}: {journeys.Instances.Length} journey instance(s)");
            foreach (var i in journeys.Instances)
            {
                var s = i.State;
                Console.WriteLine($"  {s.InstanceId} {s.JourneyId}@{s.Version} {s.Status}{(s.Node is null ? "" : " at " + s.Node)}"
                    + $"{(i.WakeAt is { } w ? " wakes " + JourneyText.Instant(w) : "")}{(s.Reason is null ? "" : " (" + s.Reason + ")")}");
            }
            Console.WriteLine("step log:");
            foreach (var e in journeys.Log)
            {
                Console.WriteLine($"  {e.InstanceId} {e}");
            }
            return 0;
        });
        return command;
    }

    // ---------------------------------------------------------------- loading and validation

    private static async Task<(JourneyDefinition? Definition, int Code)> Load(FileInfo path, FileInfo? templatesFile, bool json, CancellationToken ct)
    {
        if (!path.Exists)
        {
            await Console.Error.WriteLineAsync($"no such file: {path.FullName}");
            return (null, 2);
        }
        templatesFile ??= new FileInfo(Path.Combine(path.DirectoryName ?? ".", "templates.json"));
        IReadOnlySet<string>? known = null;
        if (templatesFile.Exists && !string.Equals(templatesFile.FullName, path.FullName, StringComparison.Ordinal))
        {
            known = ReadTemplates(await File.ReadAllTextAsync(templatesFile.FullName, ct));
            if (known is null)
            {
                await Console.Error.WriteLineAsync($"{templatesFile.Name}: expected a JSON array of template ids or an object with a \"templates\" array");
                return (null, 2);
            }
        }
        if (known is null && Lodestar.Content.TemplateCatalog.Locate(path.DirectoryName ?? ".") is { } folder)
        {
            known = Lodestar.Content.TemplateCatalog.Load(folder).KnownIds;   // the template folder is the list of known ids
        }
        var parsed = JourneyReader.Parse(await File.ReadAllTextAsync(path.FullName, ct), new JourneyValidationOptions(known));
        if (parsed.IsValid)
        {
            return (parsed.Value, 0);
        }
        if (json)
        {
            Print(new { valid = false, errors = parsed.Errors.Select(e => new { pointer = e.Pointer, message = e.Message }) }, json: true, () => "");
        }
        else
        {
            PrintErrors(path.Name, parsed.Errors);
        }
        return (null, 1);
    }

    private static IReadOnlySet<string>? ReadTemplates(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement
                : doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("templates", out var t) ? t : default;
            return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
                ? list.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void PrintErrors(string name, IReadOnlyList<FieldError> errors)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(name)} is not a valid journey definition[/] ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):");
        var table = new Table().AddColumns("pointer", "problem");
        foreach (var e in errors)
        {
            table.AddRow(Markup.Escape(e.Pointer.Length == 0 ? "(document)" : e.Pointer), Markup.Escape(e.Message));
        }
        AnsiConsole.Write(table);
    }

    private static string Describe(JourneyEntry entry) => entry switch
    {
        EventEntry e => $"on event {e.Event.Describe()}",
        SegmentEntry s => $"on entering segment {s.Segment}",
        ScheduleEntry s => $"every {JourneyText.Duration(s.Every)} at {JourneyText.Time(s.At)}",
        ApiEntry => "by API",
        _ => entry.GetType().Name,
    };

    // ---------------------------------------------------------------- report

    private static readonly JsonSerializerOptions JsonOut = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static void Print<T>(T value, bool json, Func<string> text)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(value, JsonOut));
        }
        else if (text() is { Length: > 0 } line)
        {
            Console.WriteLine(line);
        }
    }

    private static void PrintReport(JourneyDefinition definition, SimulationReport report, ShopPopulation population, int seed, bool json)
    {
        var splits = report.SplitArms.GroupBy(kv => kv.Key[..kv.Key.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(kv => kv.Key[(g.Key.Length + 1)..], kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        if (json)
        {
            Print(new
            {
                journey = definition.Id,
                version = definition.Version,
                customers = report.Customers,
                start = report.Start,
                end = report.End,
                shop = new { records = population.Records, events = population.Events, seed },
                entered = report.Entered,
                refused = report.Refused,
                nodes = definition.Nodes.Select(n => new { id = n.Id, type = NodeType(n), instances = report.NodeCounts.GetValueOrDefault(n.Id) }),
                sendsByChannel = report.SendsByChannel,
                suppressionsByReason = report.SuppressionsByReason,
                deferralsByReason = report.DeferralsByReason,
                goalConversions = report.GoalConversions,
                conversionRate = report.Entered == 0 ? 0 : (double)report.GoalConversions / report.Entered,
                splits = splits.ToDictionary(s => s.Key, s => s.Value.ToDictionary(a => a.Key, a => new { customers = a.Value, share = (double)a.Value / s.Value.Values.Sum() })),
                outcomes = report.Outcomes,
                stillActive = report.StillActive,
                decisions = report.Decisions,
            }, json: true, () => "");
            return;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(definition.Name)}[/] ({Markup.Escape(definition.Key)}) over {report.Customers:N0} customers, "
            + $"{report.Start.ToOffset(SyntheticShop.ShopOffset):yyyy-MM-dd HH:mm} to {report.End.ToOffset(SyntheticShop.ShopOffset):yyyy-MM-dd HH:mm} (+08:00)");
        AnsiConsole.MarkupLine($"entered {report.Entered:N0}, goal conversions {report.GoalConversions:N0}"
            + $"{(report.Entered == 0 ? "" : $" ({(double)report.GoalConversions / report.Entered:P1})")}, still active at the end {report.StillActive:N0}, "
            + $"{report.Decisions:N0} engine decisions; shop: {population.Events:N0} events from {population.Records:N0} requests");

        var nodes = new Table().Title("per node").AddColumns("node", "type", "instances");
        foreach (var n in definition.Nodes)
        {
            nodes.AddRow(Markup.Escape(n.Id), NodeType(n), $"{report.NodeCounts.GetValueOrDefault(n.Id):N0}");
        }
        AnsiConsole.Write(nodes);
        Counts("sends per channel", "channel", report.SendsByChannel);
        Counts("suppressed (the journey went on)", "reason", report.SuppressionsByReason);
        Counts("held back, then sent or dropped", "reason", report.DeferralsByReason);
        foreach (var (node, arms) in splits)
        {
            var total = arms.Values.Sum();
            var table = new Table().Title($"split {Markup.Escape(node)}").AddColumns("arm", "customers", "share");
            foreach (var (arm, count) in arms.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(arm), $"{count:N0}", $"{(double)count / total:P1}");
            }
            AnsiConsole.Write(table);
        }
        Counts("how instances ended", "outcome", report.Outcomes);
        Counts("entries refused", "reason", report.Refused);
    }

    private static void Counts(string title, string column, IReadOnlyDictionary<string, int> counts)
    {
        if (counts.Count == 0)
        {
            return;
        }
        var table = new Table().Title(title).AddColumns(column, "count");
        foreach (var (key, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(key), $"{count:N0}");
        }
        AnsiConsole.Write(table);
    }

    private static string NodeType(JourneyNode node) => node switch
    {
        DelayNode d => $"delay {JourneyText.Duration(d.Duration)}",
        WaitUntilNode => "wait until",
        WaitForEventNode w => $"wait ≤ {JourneyText.Duration(w.Timeout)} for {w.Event.Describe()}",
        BranchNode => "branch",
        MultiSplitNode => "multi-split",
        RandomSplitNode => "random split",
        SendNode s => $"send {s.Channel.Name()} {s.Template}{(s.Offer is null ? "" : " + " + s.Offer)}",
        UpdateProfileNode => "update profile",
        GoalNode => "goal",
        ExitNode => "exit",
        _ => node.GetType().Name,
    };
}
