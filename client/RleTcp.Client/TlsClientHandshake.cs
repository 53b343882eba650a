using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace RleTcp.Client;

/// <summary>The client side of the TLS handshake, over a connected socket.</summary>
internal static class TlsClientHandshake
{
    /// <summary>Authenticates the server (and presents the client certificate, if any); the stream leaves the socket open.</summary>
    /// <exception cref="RleTcpConnectionException">The handshake failed or the server certificate is not trusted.</exception>
    public static async Task<SslStream> AuthenticateAsync(Socket socket, string host, string remote, RleTcpClientTlsOptions tls, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = tls.TargetHost ?? host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServer(tls, certificate, chain, errors),
                },
                deadline.Token).ConfigureAwait(false);
            return stream;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new RleTcpConnectionException(RleTcpConnectionError.TlsFailed, $"The TLS handshake with {remote} failed: {ex.Message}", ex);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool ValidateServer(RleTcpClientTlsOptions tls, X509Certificate? presented, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        if (tls.TrustedAuthorities is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // Only the chain may be "untrusted" by the system: it must then end at one of the given authorities.
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(tls.TrustedAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(systemChain.ChainPolicy.ExtraStore);
        }

        return chain.Build(certificate);
    }
}
