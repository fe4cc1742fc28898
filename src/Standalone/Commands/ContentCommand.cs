using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Adapters.OpenAI;
using Lodestar.Content;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary>
/// <c>content list</c>: the templates and their publish-time problems. <c>content preview TEMPLATE</c>: a template
/// rendered for a sample customer or a stored one (masked forms only), with its channel checks and SMS segments.
/// <c>content generate TEMPLATE --segment S --tier T</c>: AI copy variants for a segment, checked, or the template's
/// copy and the reason when the model is not configured or fails (docs/templates.md).
/// </summary>
internal static class ContentCommand
{
    /// <summary>Where templates are when <c>--templates</c> is not given and no <c>templates/</c> folder is found upwards.</summary>
    private const string TemplatesVariable = "LODESTAR_TEMPLATES";

    /// <summary>The Azure OpenAI endpoint for <c>content generate</c>, as the Functions host's setting names it.</summary>
    private const string EndpointVariable = "Lodestar__AiCopy__Endpoint";

    internal static Command Create() => new("content", "Message templates: list and check them, preview one, generate AI copy variants (docs/templates.md)")
    {
        List(), Preview(), Generate(),
    };

    private static Option<DirectoryInfo?> Templates() => new("--templates")
    {
        Description = $"Template folder (default: ${TemplatesVariable}, else the nearest templates/ folder above the current directory)",
    };

    private static Option<string?> Locale() => new("--locale") { Description = "Customer locale: zh-CN, en, en-GB… (falls back to the same language, then the template default)" };

    // ---------------------------------------------------------------- list

    private static Command List()
    {
        var templates = Templates();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the templates with channel and locales, and every publish-time problem (exit 1 if any)") { templates, json };
        command.SetAction(async (parse, ct) =>
        {
            if (await LoadAsync(parse.GetValue(templates)) is not { } catalog)
            {
                return 2;
            }
            if (parse.GetValue(json))
            {
                Print(new
                {
                    folder = catalog.Folder,
                    templates = catalog.KnownIds.Select(id => catalog.Find(id) is { } t
                        ? new { id, channel = t.Manifest.Channel.Name(), defaultLocale = t.Manifest.DefaultLocale, locales = t.Versions.Keys, description = t.Manifest.Description }
                        : new { id, channel = "?", defaultLocale = "?", locales = (IEnumerable<string>)[], description = "" }),
                    problems = catalog.Problems.Select(p => new { template = p.Template, locale = p.Locale, part = p.Part, message = p.Message }),
                });
            }
            else
            {
                var table = new Table().Title(Markup.Escape(catalog.Folder)).AddColumns("template", "channel", "locales", "description");
                foreach (var id in catalog.KnownIds)
                {
                    var t = catalog.Find(id);
                    table.AddRow(Markup.Escape(id), t?.Manifest.Channel.Name() ?? "?", Markup.Escape(t is null ? "" : string.Join(", ", t.Versions.Keys)),
                        Markup.Escape(t?.Manifest.Description ?? ""));
                }
                AnsiConsole.Write(table);
                PrintProblems(catalog.Problems);
            }
            return catalog.Problems.IsEmpty ? 0 : 1;
        });
        return command;
    }

    // ---------------------------------------------------------------- preview

    private static Command Preview()
    {
        var template = new Argument<string>("template") { Description = "Template id (a folder of the template folder)" };
        var locale = Locale();
        var customer = new Option<string?>("--customer") { Description = "Render for this stored customer (c_…; masked forms only) instead of the sample customer" };
        var offer = new Option<string?>("--offer") { Description = "Offer code shown by templates that carry one", DefaultValueFactory = _ => "SAMPLE-10" };
        var products = new Option<string[]>("--product") { Description = "A product name for {{ products }} (repeatable)", AllowMultipleArgumentsPerToken = false };
        var templates = Templates();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var command = new Command("preview", "Render a template for a sample or stored customer and check it against its channel's limits")
        {
            template, locale, customer, offer, products, templates, data, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await LoadAsync(parse.GetValue(templates)) is not { } catalog)
            {
                return 2;
            }
            var id = parse.GetValue(template)!;
            if (catalog.Find(id) is not { } found)
            {
                await Console.Error.WriteLineAsync(catalog.KnownIds.Contains(id)
                    ? $"{id} does not load: {string.Join("; ", catalog.ProblemsFor(id))}"
                    : $"no template '{id}' in {catalog.Folder}");
                return 1;
            }
            var wanted = parse.GetValue(locale);
            var code = parse.GetValue(offer);
            var offerView = string.IsNullOrWhiteSpace(code) ? null : new OfferView(code, code);
            var names = parse.GetValue(products) ?? [];
            MessageModel model;
            if (parse.GetValue(customer) is { } raw)
            {
                if (!CustomerId.TryParse(raw, out var customerId))
                {
                    await Console.Error.WriteLineAsync("the customer must be a customer id: c_ followed by 16 lower-case hex digits");
                    return 2;
                }
                await using var app = CommonOptions.Open(parse.GetValue(data)!);
                if (await app.Store.GetAsync(customerId, ct) is not { } profile)
                {
                    await Console.Error.WriteLineAsync($"no customer {customerId} in {app.Data.Root}");
                    return 1;
                }
                model = MessageModel.FromProfile(profile, offerView, names, new LinkView("https://shop.example.com/u/preview", "https://shop.example.com/"));
            }
            else
            {
                var sample = SampleModels.For(wanted ?? found.Manifest.DefaultLocale, code);
                model = sample with { Offer = offerView, Products = names.Length > 0 ? [.. names] : sample.Products };
            }
            var result = new MessageRenderer(catalog).Render(id, found.Manifest.Channel, wanted, model);
            PrintContent(id, found.Manifest.Channel, result, parse.GetValue(json));
            return result.IsValid ? 0 : 1;
        });
        return command;
    }

    // ---------------------------------------------------------------- generate

    private static Command Generate()
    {
        var template = new Argument<string>("template") { Description = "Template id" };
        var segment = new Option<string>("--segment") { Description = "The audience segment (e.g. an RFM segment: Champions)", Required = true };
        var tier = new Option<string>("--tier") { Description = "The lifecycle tier (high_value, active, new, churn_risk, dormant)", Required = true };
        var locale = Locale();
        var tags = new Option<string[]>("--tag") { Description = "A tag name the segment shares (repeatable)" };
        var products = new Option<string[]>("--product") { Description = "A product name to feature (repeatable)" };
        var endpoint = new Option<Uri?>("--endpoint") { Description = $"Azure OpenAI endpoint (default: ${EndpointVariable}); signs in with DefaultAzureCredential" };
        var deployment = new Option<string>("--deployment") { Description = "Chat model deployment name", DefaultValueFactory = _ => new CopyGeneratorOptions().Deployment };
        var variants = new Option<int>("--variants") { Description = "Variants to ask for", DefaultValueFactory = _ => new CopyGeneratorOptions().Variants };
        var timeout = new Option<double>("--timeout") { Description = "Seconds before falling back to the template copy", DefaultValueFactory = _ => new CopyGeneratorOptions().Timeout.TotalSeconds };
        var templates = Templates();
        var json = CommonOptions.Json();
        var command = new Command("generate", "Ask the AI model for copy variants of a template for a segment; show those that pass the checks, or the template copy")
        {
            template, segment, tier, locale, tags, products, endpoint, deployment, variants, timeout, templates, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await LoadAsync(parse.GetValue(templates)) is not { } catalog)
            {
                return 2;
            }
            var id = parse.GetValue(template)!;
            if (catalog.Find(id) is not { } found)
            {
                await Console.Error.WriteLineAsync($"no loadable template '{id}' in {catalog.Folder}");
                return 1;
            }
            CopyBrief brief;
            try
            {
                brief = CopyBrief.Create(parse.GetValue(segment)!, parse.GetValue(tier)!, parse.GetValue(tags), parse.GetValue(products),
                    parse.GetValue(locale) ?? found.Manifest.DefaultLocale);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
            var options = new CopyGeneratorOptions
            {
                Endpoint = parse.GetValue(endpoint) ?? (Uri.TryCreate(Environment.GetEnvironmentVariable(EndpointVariable), UriKind.Absolute, out var configured) ? configured : null),
                Deployment = parse.GetValue(deployment)!,
                Variants = parse.GetValue(variants),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            };
            CopyResult result;
            if (options.Endpoint is null)
            {
                result = CopyResult.FromTemplate(found, brief.Locale, $"no AI endpoint: pass --endpoint or set {EndpointVariable}");
            }
            else if (options.Validate() is { Count: > 0 } errors)
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, errors));
                return 2;
            }
            else
            {
                var generator = new CopyGenerator(AzureCopyClient.Create(options), catalog, options, TimeProvider.System, NullLogger<CopyGenerator>.Instance);
                result = await generator.GenerateAsync(id, brief, ct);
            }
            PrintVariants(found, result, brief, catalog.Rules, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    // ---------------------------------------------------------------- output

    private static readonly JsonSerializerOptions JsonOut = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static void Print<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOut));

    private static async Task<TemplateCatalog?> LoadAsync(DirectoryInfo? folder)
    {
        var path = folder?.FullName ?? TemplateCatalog.Locate(Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable(TemplatesVariable));
        if (path is null || !Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"no template folder: pass --templates DIR or set {TemplatesVariable}");
            return null;
        }
        return TemplateCatalog.Load(path);
    }

    private static void PrintContent(string id, Channel channel, RenderResult result, bool json)
    {
        var content = result.Content;
        var sms = content is not null && channel == Channel.Sms ? SmsSegments.Measure(content.Text) : (SmsSize?)null;
        if (json)
        {
            Print(new
            {
                template = id,
                channel = channel.Name(),
                valid = result.IsValid,
                content,
                sms = sms is { } s ? new { encoding = s.Encoding.ToString(), units = s.Units, segments = s.Segments } : null,
                problems = result.Problems.Select(p => p.ToString()),
            });
            return;
        }
        if (content is null)
        {
            PrintProblems(result.Problems);
            return;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(id)}[/] ({channel.Name()}, {Markup.Escape(content.Locale)})");
        var table = new Table().AddColumns("part", "content");
        foreach (var (part, text) in Parts(content))
        {
            table.AddRow(Markup.Escape(part), Markup.Escape(text));
        }
        AnsiConsole.Write(table);
        if (sms is { } size)
        {
            Console.WriteLine($"SMS: {size.Encoding}, {size.Units} {(size.Encoding == SmsEncoding.Gsm7 ? "septets" : "UCS-2 characters")}, {size.Segments} segment(s)");
        }
    }

    private static IEnumerable<(string Part, string Text)> Parts(MessageContent c)
    {
        if (c.Subject is not null)
        {
            yield return ("subject", c.Subject);
        }
        if (c.Title is not null)
        {
            yield return ("title", c.Title);
        }
        if (c.ProviderTemplate is not null)
        {
            yield return ("template", c.ProviderTemplate);
            foreach (var (key, value) in c.Data ?? new Dictionary<string, string>())
            {
                yield return ("data." + key, value);
            }
            if (c.Page is not null)
            {
                yield return ("page", c.Page);
            }
            yield break;
        }
        if (c.Html is not null)
        {
            yield return ("html", c.Html);
        }
        yield return (c.Title is null ? "text" : "body", c.Text);
    }

    private static void PrintVariants(ContentTemplate template, CopyResult result, CopyBrief brief, ContentRules rules, bool json)
    {
        var model = SampleModels.For(result.Locale);
        model = brief.Products.IsEmpty ? model : model with { Products = brief.Products };
        var samples = result.Variants.Select(v => MessageRenderer.Render(template, v.Version, model, rules).Content).ToList();
        if (json)
        {
            Print(new
            {
                template = result.Template,
                locale = result.Locale,
                source = result.Source.ToString().ToLowerInvariant(),
                fallbackReason = result.FallbackReason,
                variants = result.Variants.Select((v, i) => new { parts = v.CopyParts, sample = samples[i] }),
                rejected = result.Rejected,
            });
            return;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(result.Template)}[/] ({Markup.Escape(result.Locale)}): {result.Variants.Length} variant(s), source {result.Source.ToString().ToLowerInvariant()}"
            + (result.FallbackReason is null ? "" : $" [yellow]({Markup.Escape(result.FallbackReason)})[/]"));
        var table = new Table().AddColumns("#", "part", "Liquid", "sample customer");
        foreach (var (variant, i) in result.Variants.Select((v, i) => (v, i)))
        {
            var sample = samples[i] is { } s ? Parts(s).ToDictionary(p => p.Part, p => p.Text, StringComparer.Ordinal) : [];
            foreach (var (part, source) in variant.CopyParts)
            {
                table.AddRow($"{i + 1}", Markup.Escape(part), Markup.Escape(source), Markup.Escape(sample.GetValueOrDefault(part) ?? ""));
            }
        }
        AnsiConsole.Write(table);
        foreach (var reason in result.Rejected)
        {
            AnsiConsole.MarkupLine($"[grey]rejected {Markup.Escape(reason)}[/]");
        }
    }

    private static void PrintProblems(IReadOnlyList<ContentProblem> problems)
    {
        if (problems.Count == 0)
        {
            AnsiConsole.MarkupLine("[green]no problems[/]");
            return;
        }
        AnsiConsole.MarkupLine($"[red]{problems.Count} problem(s)[/]:");
        foreach (var p in problems)
        {
            AnsiConsole.MarkupLine("  " + Markup.Escape(p.ToString()));
        }
    }
}
