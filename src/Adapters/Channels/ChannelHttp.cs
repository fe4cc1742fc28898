namespace Lodestar.Messaging;

/// <summary>
/// The one <see cref="HttpClient"/> the registered senders share: a pooled handler whose connections are recycled every
/// few minutes so DNS changes are seen, without an <c>IHttpClientFactory</c> (whose request logging would write URLs,
/// and the mini-program URL carries the access token).
/// </summary>
internal sealed class ChannelHttp : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    public void Dispose() => Client.Dispose();
}
