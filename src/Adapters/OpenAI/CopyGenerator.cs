using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Content;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace Lodestar.Adapters.OpenAI;

/// <summary>
/// Variants of a template's copy for a segment, written by an Azure OpenAI chat model and checked like human copy:
/// each variant must compile (known variables and filters only, no banned word), keep the offer and link placeholders
/// of the part it replaces (the offer code stays; the name or products may go), and render with the locale's sample customer within the channel's limits. The
/// call has a time-out; results are cached per template, segment, tier and locale (failures for a shorter while). On
/// any failure (time-out, HTTP error, unreachable endpoint, malformed answer, every variant rejected) the result holds
/// the human template alone, so a send never waits on or depends on the model.
/// </summary>
public sealed class CopyGenerator
{
    private readonly ChatClient _chat;
    private readonly TemplateCatalog _catalog;
    private readonly CopyGeneratorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CopyGenerator> _logger;
    private readonly CopyCache _cache;

    public CopyGenerator(ChatClient chat, TemplateCatalog catalog, CopyGeneratorOptions options, TimeProvider time, ILogger<CopyGenerator> logger)
    {
        _chat = chat;
        _catalog = catalog;
        _options = options;
        _time = time;
        _logger = logger;
        _cache = new CopyCache(time);
    }

    /// <exception cref="ArgumentException">The template is not in the catalog.</exception>
    public async Task<CopyResult> GenerateAsync(string templateId, CopyBrief brief, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(brief);
        var template = _catalog.Find(templateId) ?? throw new ArgumentException($"unknown template '{templateId}'", nameof(templateId));
        var version = template.Resolve(brief.Locale);
        var parts = ChannelParts.Copy(template.Manifest.Channel).Where(version.Parts.ContainsKey).ToList();
        if (parts.Count == 0)
        {
            return Fallback(template, version, brief, $"a {template.Manifest.Channel} template has no copy parts to vary", []);
        }
        var key = new CopyKey(template.Id, brief.Segment, brief.Tier, version.Locale);
        var (result, hit) = await _cache.GetOrAddAsync(key, () => GenerateNowAsync(template, version, parts, brief, cancellationToken)).ConfigureAwait(false);
        return hit && result.Source == CopySource.Generated ? result with { Source = CopySource.Cached } : result;
    }

    private async Task<(CopyResult Result, TimeSpan Keep)> GenerateNowAsync(ContentTemplate template, TemplateVersion version, List<string> parts,
        CopyBrief brief, CancellationToken cancellationToken)
    {
        string answer;
        using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                var messages = CopyPrompt.Build(template, version, parts, brief, _options.Variants, _catalog.Rules);
                var completion = await _chat.CompleteChatAsync(messages, new ChatCompletionOptions
                {
                    ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(),
                    Temperature = _options.Temperature,
                    MaxOutputTokenCount = _options.MaxOutputTokens,
                }, linked.Token).ConfigureAwait(false);
                answer = string.Concat(completion.Value.Content.Select(c => c.Text));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(template, version, brief, $"no answer within {_options.Timeout.TotalSeconds:0.###} s");
            }
            catch (System.ClientModel.ClientResultException e)
            {
                return Failed(template, version, brief, e.Status == 0 ? $"endpoint unreachable ({e.InnerException?.GetType().Name ?? "no response"})" : $"HTTP {e.Status}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException or InvalidOperationException or ArgumentException)
            {
                return Failed(template, version, brief, $"{e.GetType().Name}: the call failed");
            }
        }

        var (accepted, rejected, error) = Check(template, version, parts, answer);
        if (error is not null || accepted.IsEmpty)
        {
            return Failed(template, version, brief, error ?? $"all {rejected.Length} variants were rejected", rejected);
        }
        CopyLog.Generated(_logger, template.Id, brief.Segment, brief.Tier, version.Locale, accepted.Length, rejected.Length);
        return (new CopyResult(template.Id, version.Locale, CopySource.Generated, accepted, rejected), _options.CacheFor);
    }

    /// <summary>Parses the answer and keeps the variants that pass every check; the reasons for the others.</summary>
    private (ImmutableArray<CopyVariant> Accepted, ImmutableArray<string> Rejected, string? Error) Check(
        ContentTemplate template, TemplateVersion version, List<string> parts, string answer)
    {
        List<Dictionary<string, JsonElement>>? variants;
        try
        {
            using var doc = JsonDocument.Parse(answer);
            variants = doc.RootElement.TryGetProperty("variants", out var list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Object
                    ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
                    : new Dictionary<string, JsonElement>(StringComparer.Ordinal))]
                : null;
        }
        catch (JsonException)
        {
            return ([], [], "the answer is not JSON");
        }
        if (variants is null || variants.Count == 0)
        {
            return ([], [], "the answer has no \"variants\" array");
        }

        var accepted = ImmutableArray.CreateBuilder<CopyVariant>();
        var rejected = ImmutableArray.CreateBuilder<string>();
        var sample = SampleModels.For(version.Locale);
        foreach (var (variant, index) in variants.Select((v, i) => (v, i + 1)))
        {
            if (Reject(template, version, parts, variant, sample) is { } reason)
            {
                rejected.Add($"variant {index}: {reason}");
                continue;
            }
            var copy = parts.ToImmutableSortedDictionary(p => p, p => variant[p].GetString()!.Trim(), StringComparer.Ordinal);
            var sources = version.Parts.ToDictionary(p => p.Key, p => copy.GetValueOrDefault(p.Key, p.Value.Source), StringComparer.Ordinal);
            var (compiled, _) = TemplateCompiler.Compile(template.Id, template.Manifest, version.Locale, sources, _catalog.Rules);
            if (accepted.Any(a => a.CopyParts.SequenceEqual(copy)) || copy.All(c => c.Value == version.Parts[c.Key].Source))
            {
                rejected.Add($"variant {index}: same as another variant or as the template");
                continue;
            }
            accepted.Add(new CopyVariant(compiled!, copy));
        }
        return (accepted.ToImmutable(), rejected.ToImmutable(), null);
    }

    private string? Reject(ContentTemplate template, TemplateVersion version, List<string> parts, Dictionary<string, JsonElement> variant, MessageModel sample)
    {
        foreach (var part in parts)
        {
            if (!variant.TryGetValue(part, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                return $"no text for part '{part}'";
            }
        }
        var sources = version.Parts.ToDictionary(p => p.Key, p => variant.TryGetValue(p.Key, out var v) && parts.Contains(p.Key) ? v.GetString()!.Trim() : p.Value.Source, StringComparer.Ordinal);
        var (compiled, problems) = TemplateCompiler.Compile(template.Id, template.Manifest, version.Locale, sources, _catalog.Rules);
        if (compiled is null)
        {
            return string.Join("; ", problems.Select(p => $"{p.Part}: {p.Message}"));
        }
        foreach (var part in parts)
        {
            var missing = version.Parts[part].Variables.Paths.Where(MustKeep)
                .Except(compiled.Parts[part].Variables.Paths, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                return $"{part}: drops {string.Join(", ", missing.Select(m => "{{ " + m + " }}"))}";
            }
        }
        var rendered = MessageRenderer.Render(template, compiled, sample, _catalog.Rules);
        return rendered.IsValid ? null : string.Join("; ", rendered.Problems.Select(p => $"{p.Part}: {p.Message}"));
    }

    /// <summary>The placeholders a variant must keep: the offer (its code is the point of the message) and links.</summary>
    private static bool MustKeep(string path) => TemplateVariables.Root(path) is "offer" or "links";

    private (CopyResult Result, TimeSpan Keep) Failed(ContentTemplate template, TemplateVersion version, CopyBrief brief, string reason,
        ImmutableArray<string> rejected = default) =>
        (Fallback(template, version, brief, reason, rejected.IsDefault ? [] : rejected), _options.FailureCacheFor);

    private CopyResult Fallback(ContentTemplate template, TemplateVersion version, CopyBrief brief, string reason, ImmutableArray<string> rejected)
    {
        CopyLog.FellBack(_logger, template.Id, brief.Segment, brief.Tier, version.Locale, reason);
        return CopyResult.FromTemplate(template, version.Locale, reason, rejected);
    }
}
