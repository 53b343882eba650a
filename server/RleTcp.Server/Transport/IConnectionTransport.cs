using System.IO.Pipelines;

namespace RleTcp.Server.Transport;

/// <summary>
/// What the protocol needs from a connection's transport: a bounded duplex pipe and a way to close it. Plain TCP is
/// <see cref="SocketPipe"/> (socket calls straight into the pipes); TLS is <see cref="StreamPipe"/> over an
/// <see cref="System.Net.Security.SslStream"/>. The protocol above (<see cref="RleTcpConnection"/>) is the same for both.
/// </summary>
internal interface IConnectionTransport
{
    /// <summary>Bytes received from the peer.</summary>
    PipeReader Input { get; }

    /// <summary>Bytes to send to the peer; completing it ends the sending side once everything is sent.</summary>
    PipeWriter Output { get; }

    /// <summary>Starts moving bytes.</summary>
    void Start();

    /// <summary>
    /// Waits for <see cref="Output"/> (which the caller has completed) to be sent, lingers for the peer's remaining input,
    /// then closes. <paramref name="abort"/> cuts both short.
    /// </summary>
    Task CloseAsync(CancellationToken abort);

    /// <summary>Closes at once; both directions end.</summary>
    void Abort();

    /// <summary>
    /// Sends <paramref name="data"/> after every byte already flushed to <see cref="Output"/>, straight from the
    /// caller's buffer where the transport can (a big answer's body). The caller has flushed <see cref="Output"/>, writes
    /// nothing to it until this completes, and may release the buffer then. False: not (wholly) sent.
    /// </summary>
    Task<bool> SendUnbufferedAsync(ReadOnlyMemory<byte> data);
}
