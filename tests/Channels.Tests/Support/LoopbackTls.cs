using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lodestar.Tests.Channels.Support;

/// <summary>A throw-away certificate for 127.0.0.1 and a client that trusts exactly that certificate.</summary>
public sealed class LoopbackTls : IDisposable
{
    public LoopbackTls()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a loadable form: round-trip through PKCS#12.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Certificate { get; }

    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString(),
        },
    });

    public void Dispose() => Certificate.Dispose();
}
