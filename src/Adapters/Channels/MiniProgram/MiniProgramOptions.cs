namespace Lodestar.Messaging.MiniProgram;

/// <summary>Which access-token API the sender calls.</summary>
public enum TokenApi
{
    /// <summary>
    /// <c>POST /cgi-bin/stable_token</c>: every caller gets the same token until it expires, so several instances of the
    /// app (scaled-out Functions) do not invalidate one another's tokens.
    /// </summary>
    Stable = 0,

    /// <summary><c>GET /cgi-bin/token</c>: each call issues a new token; fit for a single process only.</summary>
    Classic = 1,
}

/// <summary>
/// Settings of the mini-program subscribe-message sender (section <c>Channels:MiniProgram</c>). The app secret is a
/// secret: in Azure it comes from Key Vault through an app setting reference, never from a committed file.
/// </summary>
public sealed class MiniProgramOptions
{
    public string? AppId { get; set; }

    public string? AppSecret { get; set; }

    /// <summary>The API host; overridable for tests and regional gateways.</summary>
    public string BaseUrl { get; set; } = "https://api.weixin.qq.com";

    public TokenApi TokenApi { get; set; } = TokenApi.Stable;

    /// <summary>How long before its expiry a token is replaced (at most half its lifetime).</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>formal</c>, <c>trial</c> or <c>developer</c>: which build of the mini-program the message opens.</summary>
    public string MiniProgramState { get; set; } = "formal";

    /// <summary><c>zh_CN</c>, <c>en_US</c>, <c>zh_HK</c> or <c>zh_TW</c>.</summary>
    public string Lang { get; set; } = "zh_CN";

    /// <summary>Every problem with these settings, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(string section = "Channels:MiniProgram")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(AppId))
        {
            errors.Add($"{section}:AppId is required.");
        }
        if (string.IsNullOrWhiteSpace(AppSecret))
        {
            errors.Add($"{section}:AppSecret is required (from Key Vault in Azure).");
        }
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            errors.Add($"{section}:BaseUrl must be an absolute http(s) URL.");
        }
        if (!Enum.IsDefined(TokenApi))
        {
            errors.Add($"{section}:TokenApi must be Stable or Classic.");
        }
        if (RefreshAhead < TimeSpan.Zero)
        {
            errors.Add($"{section}:RefreshAhead must not be negative.");
        }
        if (MiniProgramState is not ("formal" or "trial" or "developer"))
        {
            errors.Add($"{section}:MiniProgramState must be formal, trial or developer.");
        }
        if (Lang is not ("zh_CN" or "en_US" or "zh_HK" or "zh_TW"))
        {
            errors.Add($"{section}:Lang must be zh_CN, en_US, zh_HK or zh_TW.");
        }
        return errors;
    }
}
