using System.Net.Sockets;

namespace RleTcp.Server.Transport;

/// <summary>
/// Moves bytes between a connected socket and a duplex pipe, and nothing else (Kestrel's transport shape): the shared
/// receive loop fills <see cref="PipeTransport.Input"/> from the socket, one send loop drains
/// <see cref="PipeTransport.Output"/> to it.
/// </summary>
internal sealed class SocketPipe : PipeTransport
{
    private readonly Socket _socket;

    public SocketPipe(Socket socket, int inputBufferBytes, int outputBufferBytes)
        : base(inputBufferBytes, outputBufferBytes)
    {
        _socket = socket;
    }

    /// <inheritdoc/>
    protected override void Close() => _socket.Dispose();

    /// <inheritdoc/>
    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _socket.ReceiveAsync(buffer, SocketFlags.None);

    /// <inheritdoc/>
    protected override Exception? ReceiveError(Exception e, ConnectionEnd end) => end switch
    {
        ConnectionEnd.Aborted => null,
        ConnectionEnd.Reset => new ConnectionResetException(e),
        _ => e,
    };

    /// <inheritdoc/>
    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <inheritdoc/>
    protected override ValueTask ShutdownSendAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Names how a socket operation's exception ended a direction: reset, aborted by us (<paramref name="disposed"/>),
    /// or a fault. An <see cref="IOException"/> wrapping a <see cref="SocketException"/> (as streams throw) is unwrapped.
    /// </summary>
    internal static ConnectionEnd Classify(Exception e, bool disposed) => e switch
    {
        IOException { InnerException: SocketException inner } => Classify(inner, disposed),
        ObjectDisposedException => ConnectionEnd.Aborted,
        SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } => ConnectionEnd.Aborted,
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.TimedOut or SocketError.NetworkReset }
            => disposed ? ConnectionEnd.Aborted : ConnectionEnd.Reset,
        _ => disposed ? ConnectionEnd.Aborted : ConnectionEnd.Fault,
    };
}
