namespace RleTcp.Client;

/// <summary>
/// The connection could not be made or died. Every request pending on a dead connection fails with this
/// exception; the connection cannot be used again (make a new one, or let <see cref="RleTcpClientPool"/> do it).
/// </summary>
public sealed class RleTcpConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RleTcpConnectionException(RleTcpConnectionError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>What went wrong.</summary>
    public RleTcpConnectionError Error { get; }
}
