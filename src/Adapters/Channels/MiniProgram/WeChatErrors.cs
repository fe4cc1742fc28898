using System.Text.Json;

namespace Lodestar.Messaging.MiniProgram;

/// <summary>The WeChat-style error codes the sender acts on.</summary>
internal static class WeChatErrors
{
    public const int Ok = 0;
    public const int SystemBusy = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidOpenId = 40003;
    public const int InvalidAccessToken = 40014;
    public const int InvalidTemplateId = 40037;
    public const int AccessTokenExpired = 42001;
    public const int UserRefused = 43101;
    public const int RateLimited = 45009;
    public const int TemplateDataInvalid = 47003;

    /// <summary>Codes that mean "this access token is no good": refresh it and retry once.</summary>
    public static bool IsTokenProblem(int code) => code is InvalidCredential or InvalidAccessToken or AccessTokenExpired;

    public static int? CodeOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errcode", out var code)
        && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value)
            ? value
            : null;
}
