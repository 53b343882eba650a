namespace RleTcp.Client;

/// <summary>Which wire protocol a <see cref="RleTcpClient"/> speaks (docs/PROTOCOL.md).</summary>
public enum RleTcpProtocol
{
    /// <summary>
    /// v2 when the server offers it, else v1: the client opens with a HELLO, and a server that answers it InvalidImage
    /// (every v1 server, or a v2 server with v2 switched off) is spoken to in v1 on the same connection. The default.
    /// </summary>
    Auto,

    /// <summary>v1 only: no HELLO is sent; answers come in request order.</summary>
    V1,

    /// <summary>v2 only: connecting fails when the server does not accept the HELLO.</summary>
    V2,
}
