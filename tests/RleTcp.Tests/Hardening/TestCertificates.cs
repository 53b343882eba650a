using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// A throw-away PKI made in the test: a CA, a server certificate for 127.0.0.1 and a client certificate it signed,
/// and an unrelated CA. Files (PEM, PKCS#12) are written to a temporary folder deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rletcp-tls-").FullName;

    public TestCertificates()
    {
        Ca = CreateCa("CN=RleTcp Test CA");
        OtherCa = CreateCa("CN=Some Other CA");
        Server = Issue(Ca, "CN=127.0.0.1", serverAuth: true);
        Client = Issue(Ca, "CN=rletcp test client", serverAuth: false);
        SecondClient = Issue(Ca, "CN=another test client", serverAuth: false);
        StrayClient = Issue(OtherCa, "CN=stray client", serverAuth: false);

        CaPemPath = Write("ca.pem", Ca.ExportCertificatePem());
        OtherCaPemPath = Write("other-ca.pem", OtherCa.ExportCertificatePem());
        ServerCertPemPath = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyPemPath = Write("server.key", Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        ServerPfxPath = Path.Combine(_folder, "server.pfx");
        File.WriteAllBytes(ServerPfxPath, Server.Export(X509ContentType.Pkcs12, "secret"));
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 OtherCa { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    /// <summary>A second client certificate from the same CA.</summary>
    public X509Certificate2 SecondClient { get; }

    /// <summary>A client certificate from <see cref="OtherCa"/>.</summary>
    public X509Certificate2 StrayClient { get; }

    public string CaPemPath { get; }

    public string OtherCaPemPath { get; }

    public string ServerCertPemPath { get; }

    public string ServerKeyPemPath { get; }

    /// <summary>The server certificate and key as PKCS#12, password "secret".</summary>
    public string ServerPfxPath { get; }

    public void Dispose()
    {
        foreach (X509Certificate2 c in new[] { Ca, OtherCa, Server, Client, SecondClient, StrayClient })
        {
            c.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // Never past the CA's own end: on a loaded machine "now + 30 days" here can be a second later than the CA's.
        DateTimeOffset notAfter = DateTimeOffset.UtcNow.AddDays(30);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        using X509Certificate2 issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
