namespace RleTcp.Server.Transport;

/// <summary>The peer reset or dropped the connection: an ordinary way for a connection to end, not a server fault.</summary>
public sealed class ConnectionResetException : IOException
{
    /// <summary>Wraps the socket error that reported the reset.</summary>
    public ConnectionResetException(Exception inner)
        : base("The connection was reset by the peer.", inner)
    {
    }
}
