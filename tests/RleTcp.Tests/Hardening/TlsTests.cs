using System.Net.Sockets;
using Microsoft.Extensions.Options;
using RleTcp.Client;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Hardening;

/// <summary>Optional TLS: a good handshake carries the protocol unchanged; wrong trust, a missing client certificate and plaintext are refused.</summary>
public class TlsTests(TestCertificates pki) : IClassFixture<TestCertificates>
{
    private Task<TestServer> StartTlsServerAsync(bool requireClientCertificate = false, bool pfx = false) => TestServer.StartAsync(o =>
    {
        o.Tls.CertificatePath = pfx ? pki.ServerPfxPath : pki.ServerCertPemPath;
        o.Tls.KeyPath = pfx ? null : pki.ServerKeyPemPath;
        o.Tls.CertificatePassword = pfx ? "secret" : null;
        o.Tls.RequireClientCertificate = requireClientCertificate;
        o.Tls.ClientCertificateAuthorityPath = requireClientCertificate ? pki.CaPemPath : null;
        o.Tls.HandshakeTimeout = TimeSpan.FromSeconds(5);
    });

    private RleTcpClientOptions TrustingClient(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null) => new()
    {
        Tls = new RleTcpClientTlsOptions { TrustedAuthorities = [pki.Ca], ClientCertificate = certificate },
    };

    private static async Task AssertCompressesAsync(TestServer server, RleTcpClientOptions options)
    {
        await using RleTcpClient client = await RleTcpClient.ConnectAsync(server.EndPoint, options);
        await client.PingAsync();
        RleCompressionResult result = await client.CompressAsync(Hardening.Input(Hardening.ProbeVector));
        Assert.Equal(Hardening.Expected(Hardening.ProbeVector), result.Rle);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientTrustingTheCaHandshakesAndCompressesOverTls(bool pfx)
    {
        await using TestServer server = await StartTlsServerAsync(pfx: pfx);

        await AssertCompressesAsync(server, TrustingClient());
        Hardening.AssertNoServerFault(server);
    }

    [Fact]
    public async Task AClientTrustingAnotherCaRefusesTheServer()
    {
        await using TestServer server = await StartTlsServerAsync();

        var wrong = new RleTcpClientOptions { Tls = new RleTcpClientTlsOptions { TrustedAuthorities = [pki.OtherCa] } };
        var refused = await Assert.ThrowsAsync<RleTcpConnectionException>(() => RleTcpClient.ConnectAsync(server.EndPoint, wrong));

        Assert.Equal(RleTcpConnectionError.TlsFailed, refused.Error);
        await AssertCompressesAsync(server, TrustingClient()); // the server is unharmed
    }

    [Fact]
    public async Task WhenClientCertificatesAreRequiredAClientWithoutOneOrWithAStrangersIsRefused()
    {
        await using TestServer server = await StartTlsServerAsync(requireClientCertificate: true);

        await AssertRefusedAsync(server, TrustingClient());
        await AssertRefusedAsync(server, TrustingClient(pki.StrayClient));
        await AssertCompressesAsync(server, TrustingClient(pki.Client));
        Hardening.AssertNoServerFault(server);
    }

    [Fact]
    public async Task PlaintextSentToATlsPortIsClosedWithoutAnAnswerAndTheServerStaysHealthy()
    {
        await using TestServer server = await StartTlsServerAsync();
        await using (FrameClient plain = await server.ConnectAsync())
        {
            await plain.SendFrameAsync(Hardening.Input(Hardening.ProbeVector));
            try
            {
                Assert.Null(await plain.ReadAnswerOrEndAsync());
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Closed with unread bytes: a reset is as good as a FIN here; no frame came back either way.
            }
            catch (InvalidDataException)
            {
                Assert.Fail("The TLS port answered plaintext with something other than a close.");
            }
        }

        await Hardening.WaitUntilAsync(() => server.Listener.ConnectionCount == 0);
        await AssertCompressesAsync(server, TrustingClient());
        Hardening.AssertNoServerFault(server);
    }

    [Fact]
    public void TlsOptionsAreValidatedAtStart()
    {
        var validator = new RleTcpServerOptionsValidator();
        var missing = new RleTcpServerOptions { Tls = { CertificatePath = "/nonexistent/server.pem" } };
        var noKey = new RleTcpServerOptions { Tls = { CertificatePath = pki.CaPemPath } };
        var orphan = new RleTcpServerOptions { Tls = { RequireClientCertificate = true } };
        var badThumbprint = new RleTcpServerOptions
        {
            Tls = { CertificatePath = pki.ServerCertPemPath, KeyPath = pki.ServerKeyPemPath, RequireClientCertificate = true, AllowedClientThumbprints = ["xyz"] },
        };
        var good = new RleTcpServerOptions { Tls = { CertificatePath = pki.ServerPfxPath, CertificatePassword = "secret" } };

        Assert.Contains(validator.Validate(null, missing).Failures!, f => f.StartsWith("RleTcp:Tls:CertificatePath: no file", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, noKey).Failures!, f => f.StartsWith("RleTcp:Tls:CertificatePath: the certificate cannot be used", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, orphan).Failures!, f => f.Contains("must be set to use the other TLS options", StringComparison.Ordinal));
        Assert.Contains(validator.Validate(null, badThumbprint).Failures!, f => f.Contains("'xyz' is not a SHA-1", StringComparison.Ordinal));
        Assert.Equal(ValidateOptionsResult.Success, validator.Validate(null, good));
    }

    [Fact]
    public async Task AnAllowedThumbprintListAdmitsOnlyTheListedClient()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Tls.CertificatePath = pki.ServerPfxPath;
            o.Tls.CertificatePassword = "secret";
            o.Tls.RequireClientCertificate = true;
            o.Tls.ClientCertificateAuthorityPath = pki.CaPemPath;
            o.Tls.AllowedClientThumbprints = [pki.Client.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)];
        });

        await AssertCompressesAsync(server, TrustingClient(pki.Client));
        await AssertRefusedAsync(server, TrustingClient(pki.SecondClient)); // same CA, valid chain, not listed
    }

    // With TLS 1.3 the client learns that the server refused its certificate only on its first read.
    private static async Task AssertRefusedAsync(TestServer server, RleTcpClientOptions options)
    {
        await Assert.ThrowsAsync<RleTcpConnectionException>(async () =>
        {
            await using RleTcpClient client = await RleTcpClient.ConnectAsync(server.EndPoint, options);
            await client.PingAsync();
        });
    }
}
