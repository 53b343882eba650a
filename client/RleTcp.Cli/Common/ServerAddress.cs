using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RleTcp.Cli.Common;

/// <summary>A <c>host:port</c> from the command line; the port defaults to 2015.</summary>
internal sealed record ServerAddress(string Host, int Port)
{
    /// <summary>TLS to use with this server (from --tls, --ca, --client-cert), or null for plain TCP.</summary>
    public RleTcp.Client.RleTcpClientTlsOptions? Tls { get; init; }

    /// <summary><paramref name="options"/> (default: the client's defaults) with this address's TLS settings.</summary>
    public RleTcp.Client.RleTcpClientOptions ClientOptions(RleTcp.Client.RleTcpClientOptions? options = null) =>
        (options ?? RleTcp.Client.RleTcpClientOptions.Default) with { Tls = Tls };

    public const int DefaultPort = 2015;

    public static ServerAddress Default { get; } = new("127.0.0.1", DefaultPort);

    /// <summary>Accepts <c>host</c>, <c>host:port</c>, <c>:port</c>, <c>[v6]:port</c> and a bare IPv6 address.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ServerAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        text = text.Trim();
        string host = text, portText = "";
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}' has '[' without ']'.";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 1)..].TrimStart(':');
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        int port = DefaultPort;
        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"'{portText}' is not a port (1..65535).";
            return false;
        }

        address = new ServerAddress(host.Length == 0 ? Default.Host : host, port);
        error = null;
        return true;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
