using System.Security.Cryptography.X509Certificates;

namespace RleTcp.Client;

/// <summary>
/// TLS for a client connection (<see cref="RleTcpClientOptions.Tls"/>): TLS 1.2 or 1.3, the server certificate checked
/// against <see cref="TrustedAuthorities"/> (or the system roots) and <see cref="TargetHost"/>, and an optional client
/// certificate for servers that require mutual TLS.
/// </summary>
public sealed record RleTcpClientTlsOptions
{
    /// <summary>The name the server certificate must carry (and the SNI sent); null: the host or IP connected to.</summary>
    public string? TargetHost { get; init; }

    /// <summary>The authorities the server certificate must chain to; null: the system's trusted roots.</summary>
    public X509Certificate2Collection? TrustedAuthorities { get; init; }

    /// <summary>The client certificate, with its private key, for a server that requires one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Options from files, as the CLI's <c>--ca</c> and <c>--client-cert</c> give them: a PEM file of trusted
    /// authorities, and a client certificate as PKCS#12 or PEM (with its key in the same file or in
    /// <paramref name="clientKeyPath"/>).
    /// </summary>
    public static RleTcpClientTlsOptions FromFiles(string? caPath, string? clientCertificatePath, string? clientKeyPath = null, string? password = null)
    {
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(caPath))
        {
            authorities = [];
            authorities.ImportFromPemFile(caPath);
            if (authorities.Count == 0)
            {
                throw new ArgumentException($"No PEM certificate in '{caPath}'.", nameof(caPath));
            }
        }

        X509Certificate2? client = null;
        if (!string.IsNullOrWhiteSpace(clientCertificatePath))
        {
            bool pem = File.ReadAllText(clientCertificatePath).Contains("-----BEGIN", StringComparison.Ordinal);
            client = pem || clientKeyPath is not null
                ? (string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(clientCertificatePath, clientKeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(clientCertificatePath, password, clientKeyPath))
                : X509CertificateLoader.LoadPkcs12FromFile(clientCertificatePath, password);
        }

        return new RleTcpClientTlsOptions { TrustedAuthorities = authorities, ClientCertificate = client };
    }
}
