using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RleTcp.Client;

/// <summary>One server address: a host name or IP address and a port.</summary>
/// <param name="Host">A DNS name or an IP literal (IPv6 without brackets).</param>
/// <param name="Port">The TCP port, 1..65535.</param>
public sealed record RleTcpEndpoint(string Host, int Port)
{
    /// <summary>The protocol's default port.</summary>
    public const int DefaultPort = 2015;

    /// <summary>Parses <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or a bare IPv6 address (port 2015 when none is given).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RleTcpEndpoint? endpoint)
    {
        endpoint = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string host = text, port = "";
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                return false;
            }

            host = text[1..close];
            port = text[(close + 1)..].TrimStart(':');
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
        }

        int number = DefaultPort;
        if (host.Length == 0 || (port.Length > 0 && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535)))
        {
            return false;
        }

        endpoint = new RleTcpEndpoint(host, number);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>, throwing <see cref="FormatException"/> on a bad address.</summary>
    public static RleTcpEndpoint Parse(string text) =>
        TryParse(text, out RleTcpEndpoint? endpoint) ? endpoint : throw new FormatException($"'{text}' is not host, host:port or [v6]:port.");

    /// <inheritdoc/>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
