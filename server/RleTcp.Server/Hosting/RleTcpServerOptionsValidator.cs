using System.Net;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// Checks <see cref="RleTcpServerOptions"/> at start (ValidateOnStart), naming the configuration key, the bad value and
/// the accepted range, so a typo fails fast with a message instead of misbehaving under load.
/// </summary>
public sealed class RleTcpServerOptionsValidator : IValidateOptions<RleTcpServerOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RleTcpServerOptions options)
    {
        var failures = new List<string>();

        void Range(string key, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{Key(key)} must be between {min} and {max}; got {value}.");
            }
        }

        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
            {
                failures.Add($"{Key(key)} must be a positive duration of at most a day (e.g. \"00:00:30\"); got {value}.");
            }
        }

        if (!BindAddress.TryParse(options.Bind, out _))
        {
            failures.Add($"{Key(nameof(options.Bind))} must be an IP address literal (e.g. 127.0.0.1, 0.0.0.0, ::1) or 'localhost'; got '{options.Bind}'.");
        }

        Range(nameof(options.Port), options.Port, 0, 65535);
        if (options.TextbookPort is int textbook)
        {
            Range(nameof(options.TextbookPort), textbook, 0, 65535);
            if (textbook != 0 && textbook == options.Port)
            {
                failures.Add($"{Key(nameof(options.TextbookPort))} ({textbook}) must differ from {Key(nameof(options.Port))}.");
            }
        }

        Range(nameof(options.Workers), options.Workers, 1, 1024);
        Range(nameof(options.QueueCapacity), options.QueueCapacity, 1, 1_000_000);
        Range(nameof(options.MaxFrameBytes), options.MaxFrameBytes, 1, Array.MaxLength);
        Range(nameof(options.MaxPixels), options.MaxPixels, 1, (long)ushort.MaxValue * ushort.MaxValue);
        Range(nameof(options.MaxBufferedRequestBytes), options.MaxBufferedRequestBytes, 1, long.MaxValue);
        if (options.MaxBufferedRequestBytes < options.MaxFrameBytes)
        {
            failures.Add(
                $"{Key(nameof(options.MaxBufferedRequestBytes))} ({options.MaxBufferedRequestBytes}) must be at least " +
                $"{Key(nameof(options.MaxFrameBytes))} ({options.MaxFrameBytes}), or a frame of the maximum size could never be admitted.");
        }

        Range(nameof(options.MaxConnections), options.MaxConnections, 1, 1_000_000);
        Range(nameof(options.MaxPipelinedRequests), options.MaxPipelinedRequests, 1, 65536);
        Positive(nameof(options.FrameTimeout), options.FrameTimeout);
        Positive(nameof(options.IdleTimeout), options.IdleTimeout);
        Positive(nameof(options.RequestTimeout), options.RequestTimeout);
        Positive(nameof(options.DrainTimeout), options.DrainTimeout);
        Range(nameof(options.BandPixels), options.BandPixels, 4096, int.MaxValue);
        Range(nameof(options.InputBufferBytes), options.InputBufferBytes, 4096, 1 << 30);
        Range(nameof(options.OutputBufferBytes), options.OutputBufferBytes, 4096, 1 << 30);
        if (options.AllowedFormats == ImageFormats.None || (options.AllowedFormats & ~ImageFormats.All) != 0)
        {
            failures.Add($"{Key(nameof(options.AllowedFormats))} must name at least one of {string.Join(", ", Enum.GetNames<ImageFormats>().Where(n => n is not "None" and not "All"))} (comma-separated) or All; got {options.AllowedFormats}.");
        }

        if (!Enum.IsDefined(options.Conversion))
        {
            failures.Add($"{Key(nameof(options.Conversion))} must be one of {string.Join(", ", Enum.GetNames<ConversionMode>())}; got {options.Conversion}.");
        }

        if (!Enum.IsDefined(options.Workload))
        {
            failures.Add($"{Key(nameof(options.Workload))} must be one of {string.Join(", ", Enum.GetNames<ServerWorkload>())}; got {options.Workload}.");
        }

        ValidateTls(options.Tls, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The files exist and the certificate loads with its private key now, not at the first client's handshake.
    private static void ValidateTls(RleTcpTlsOptions tls, List<string> failures)
    {
        string Tls(string property) => $"{Key(nameof(RleTcpServerOptions.Tls))}:{property}";
        int before = failures.Count;
        if (tls.HandshakeTimeout <= TimeSpan.Zero || tls.HandshakeTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Tls(nameof(tls.HandshakeTimeout))} must be a positive duration of at most a day; got {tls.HandshakeTimeout}.");
        }

        if (!tls.Enabled)
        {
            if (tls.RequireClientCertificate || !string.IsNullOrWhiteSpace(tls.KeyPath) || !string.IsNullOrWhiteSpace(tls.ClientCertificateAuthorityPath) || tls.AllowedClientThumbprints.Count > 0)
            {
                failures.Add($"{Tls(nameof(tls.CertificatePath))} must be set to use the other TLS options (TLS is off without a certificate).");
            }

            return;
        }

        foreach ((string property, string? path) in new[]
                 {
                     (nameof(tls.CertificatePath), tls.CertificatePath),
                     (nameof(tls.KeyPath), tls.KeyPath),
                     (nameof(tls.ClientCertificateAuthorityPath), tls.ClientCertificateAuthorityPath),
                 })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                failures.Add($"{Tls(property)}: no file at '{path}'.");
            }
        }

        foreach (string thumbprint in tls.AllowedClientThumbprints)
        {
            int digits = Transport.TlsAuthenticator.NormalizeThumbprint(thumbprint).Length;
            if (digits is not (40 or 64) || thumbprint.Any(c => !Uri.IsHexDigit(c) && c is not ':' and not ' '))
            {
                failures.Add($"{Tls(nameof(tls.AllowedClientThumbprints))}: '{thumbprint}' is not a SHA-1 (40 hex digits) or SHA-256 (64) thumbprint.");
            }
        }

        if (tls.AllowedClientThumbprints.Count > 0 && !tls.RequireClientCertificate)
        {
            failures.Add($"{Tls(nameof(tls.AllowedClientThumbprints))} needs {Tls(nameof(tls.RequireClientCertificate))} = true.");
        }

        if (failures.Count > before)
        {
            return;
        }

        try
        {
            using var certificate = Transport.TlsAuthenticator.LoadCertificate(tls);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or InvalidOperationException or ArgumentException)
        {
            failures.Add($"{Tls(nameof(tls.CertificatePath))}: the certificate cannot be used: {e.Message}");
        }

        if (!string.IsNullOrWhiteSpace(tls.ClientCertificateAuthorityPath))
        {
            try
            {
                var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                authorities.ImportFromPemFile(tls.ClientCertificateAuthorityPath);
                if (authorities.Count == 0)
                {
                    failures.Add($"{Tls(nameof(tls.ClientCertificateAuthorityPath))}: no PEM certificate in '{tls.ClientCertificateAuthorityPath}'.");
                }
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                failures.Add($"{Tls(nameof(tls.ClientCertificateAuthorityPath))}: cannot be read: {e.Message}");
            }
        }
    }

    private static string Key(string property) => $"{RleTcpServerOptions.SectionName}:{property}";
}
