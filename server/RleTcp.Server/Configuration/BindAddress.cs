using System.Net;

namespace RleTcp.Server.Configuration;

/// <summary>The one reading of a <c>Bind</c> setting, shared by the listener, the validator and the side ports.</summary>
public static class BindAddress
{
    /// <summary>Parses a bind setting: an IP literal or <c>localhost</c> (the IPv4 loopback).</summary>
    public static bool TryParse(string? bind, out IPAddress address)
    {
        if (string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(bind, out address!);
    }
}
