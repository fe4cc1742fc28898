using System.Security.Cryptography;
using System.Text.Json;

namespace Lodestar.Standalone.Hosting;

/// <summary>The keys the standalone host needs, kept in the data folder (mode 600) when not given in configuration.</summary>
public sealed record Secrets(string WriteKey, string MiniProgramSecret, string PiiKey);

/// <summary>
/// The standalone host's data folder: the SQLite store, backups and the secrets file. On first start the write key,
/// the mini-program secret and a development PII hashing key are generated here.
/// </summary>
public sealed class DataFolder
{
    public DataFolder(string path)
    {
        Root = Path.GetFullPath(path);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string StorePath => Path.Combine(Root, "lodestar.db");

    public string BackupsPath => Path.Combine(Root, "backups");

    private string SecretsPath => Path.Combine(Root, "secrets.json");

    /// <summary>Reads the secrets, creating them on first use. <paramref name="writeKeyOverride"/> wins over the file.</summary>
    public (Secrets Secrets, bool Created) LoadSecrets(string? writeKeyOverride)
    {
        var created = false;
        Secrets secrets;
        if (File.Exists(SecretsPath))
        {
            secrets = JsonSerializer.Deserialize<Secrets>(File.ReadAllText(SecretsPath), DomainJson.Options)
                ?? throw new InvalidDataException($"{SecretsPath} is empty");
        }
        else
        {
            secrets = new Secrets(
                "wk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            File.WriteAllText(SecretsPath, JsonSerializer.Serialize(secrets, DomainJson.Options));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(SecretsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            created = true;
        }
        return (writeKeyOverride is { Length: > 0 } key ? secrets with { WriteKey = key } : secrets, created);
    }
}
