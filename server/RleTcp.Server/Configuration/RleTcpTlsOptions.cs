namespace RleTcp.Server.Configuration;

/// <summary>
/// Optional TLS for every connection (configuration section <c>RleTcp:Tls</c>). TLS is on when
/// <see cref="CertificatePath"/> is set; the server then speaks TLS 1.2 or 1.3 only, and the framed protocol runs
/// unchanged inside the TLS stream.
/// </summary>
public sealed class RleTcpTlsOptions
{
    /// <summary>
    /// The server certificate: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>, with <see cref="CertificatePassword"/> if it has
    /// one), or a PEM certificate whose private key is in <see cref="KeyPath"/>. Unset: no TLS (the default).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>; unset for a PKCS#12 file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="CertificatePath"/>, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Whether a client must present a certificate (mutual TLS). Default false.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// PEM file of the certificate authorities a client certificate must chain to. Unset with
    /// <see cref="RequireClientCertificate"/>: the system's trusted roots.
    /// </summary>
    public string? ClientCertificateAuthorityPath { get; set; }

    /// <summary>
    /// When not empty, a client certificate is accepted only if its SHA-256 (or SHA-1) thumbprint, in hex, is listed,
    /// in addition to a valid chain.
    /// </summary>
    public List<string> AllowedClientThumbprints { get; set; } = [];

    /// <summary>How long a TLS handshake may take once the connection is accepted; then it is closed. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether TLS is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
