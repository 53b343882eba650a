using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Transport;

/// <summary>
/// The server side of TLS: the certificate loaded once at start, TLS 1.2/1.3 only, and the client-certificate policy
/// (chain to the configured authorities or the system roots, client-authentication usage, optional thumbprint list).
/// </summary>
internal sealed class TlsAuthenticator : IDisposable
{
    // id-kp-clientAuth: a certificate used to authenticate a client must allow that use.
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private readonly RleTcpTlsOptions _options;
    private readonly X509Certificate2 _certificate;
    private readonly SslStreamCertificateContext _context;
    private readonly X509Certificate2Collection? _clientAuthorities;
    private readonly HashSet<string> _thumbprints;

    /// <summary>Loads the certificate and the client authorities; throws when they cannot be used.</summary>
    public TlsAuthenticator(RleTcpTlsOptions options)
    {
        _options = options;
        _certificate = LoadCertificate(options);
        // offline: the chain is built from what is installed, never fetched while a client waits.
        _context = SslStreamCertificateContext.Create(_certificate, additionalCertificates: null, offline: true);
        if (!string.IsNullOrWhiteSpace(options.ClientCertificateAuthorityPath))
        {
            _clientAuthorities = [];
            _clientAuthorities.ImportFromPemFile(options.ClientCertificateAuthorityPath);
        }

        _thumbprints = options.AllowedClientThumbprints.Select(NormalizeThumbprint).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The server certificate's subject, for the start log line.</summary>
    public string Subject => _certificate.Subject;

    /// <summary>
    /// Loads the server certificate named by <paramref name="options"/>: PEM certificate + key, a PEM file holding
    /// both, or PKCS#12. Throws <see cref="CryptographicException"/> (or an I/O exception) when it cannot, and
    /// <see cref="InvalidOperationException"/> when it has no private key.
    /// </summary>
    public static X509Certificate2 LoadCertificate(RleTcpTlsOptions options)
    {
        string path = options.CertificatePath ?? throw new InvalidOperationException("No TLS certificate is configured.");
        X509Certificate2 certificate;
        if (!string.IsNullOrWhiteSpace(options.KeyPath) || IsPem(path))
        {
            string? key = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
            certificate = string.IsNullOrEmpty(options.CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, key)
                : X509Certificate2.CreateFromEncryptedPemFile(path, options.CertificatePassword, key);
        }
        else
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"The certificate in '{path}' has no private key.");
        }

        return certificate;
    }

    /// <summary>
    /// Runs the TLS handshake on an accepted socket within the handshake timeout (or until <paramref name="stopping"/>).
    /// Returns the authenticated stream, which owns the socket; throws when the handshake fails (the caller closes).
    /// </summary>
    public async Task<SslStream> AuthenticateAsync(Socket socket, CancellationToken stopping)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            await stream.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _context,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = _options.RequireClientCertificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = ValidateClient,
                },
                timeout.Token).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _certificate.Dispose();

    private bool ValidateClient(object sender, X509Certificate? presented, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (presented is null)
        {
            return !_options.RequireClientCertificate;
        }

        // A certificate we did not ask for is never trusted for anything; with RequireClientCertificate it must pass.
        if (!_options.RequireClientCertificate)
        {
            return true;
        }

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        if (_thumbprints.Count > 0
            && !_thumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256))
            && !_thumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA1)))
        {
            return false;
        }

        if (_clientAuthorities is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_clientAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        if (systemChain is not null)
        {
            // Intermediates the client sent along.
            chain.ChainPolicy.ExtraStore.AddRange(systemChain.ChainPolicy.ExtraStore);
        }

        return chain.Build(certificate);
    }

    private static bool IsPem(string path)
    {
        using FileStream file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[64];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.ASCII.GetString(start[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    /// <summary>Upper-case hex without separators, as <see cref="X509Certificate.GetCertHashString()"/> gives it.</summary>
    internal static string NormalizeThumbprint(string thumbprint) =>
        new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}
