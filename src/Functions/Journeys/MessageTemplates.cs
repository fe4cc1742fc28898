using Lodestar.Content;

namespace Lodestar.Functions.Journeys;

/// <summary>
/// The message templates of the app: the folder named by <c>Lodestar__Templates</c>, else the <c>templates</c> folder the
/// build copies next to the app. Loaded once, on first use; null <see cref="Catalog"/> when the folder is missing (then
/// journeys are validated without template checks, and no channel adapter may be configured: see Composition).
/// </summary>
public sealed class MessageTemplates
{
    public const string Setting = "Lodestar:Templates";

    private readonly Lazy<TemplateCatalog?> _catalog;
    private readonly Lazy<MessageRenderer> _renderer;

    public MessageTemplates(string? folder)
    {
        Folder = folder;
        _catalog = new(() => folder is not null && Directory.Exists(folder) ? TemplateCatalog.Load(folder) : null);
        _renderer = new(() => new MessageRenderer(Catalog ?? throw new DirectoryNotFoundException($"no template folder {Folder}: set {Setting}")));
    }

    public string? Folder { get; }

    public TemplateCatalog? Catalog => _catalog.Value;

    public MessageRenderer Renderer => _renderer.Value;

    /// <summary>The configured folder, else <c>templates</c> under the app's own folder.</summary>
    public static string Locate(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? Path.Combine(AppContext.BaseDirectory, "templates") : configured;
}
