using System.Net.Security;
using System.Net.Sockets;

namespace RleTcp.Server.Transport;

/// <summary>
/// The TLS transport: the same bounded duplex pipe as <see cref="SocketPipe"/>, filled from and drained to an
/// authenticated <see cref="SslStream"/> instead of the socket. The shared receive loop's zero-byte reads work on
/// SslStream too, so an idle TLS connection holds no pipe buffer either. Ending the sending side sends TLS close_notify, then FIN.
/// </summary>
internal sealed class StreamPipe : PipeTransport
{
    private readonly SslStream _stream;
    private readonly Socket _socket;

    /// <summary>Takes ownership of <paramref name="stream"/> (authenticated) and of the <paramref name="socket"/> under it.</summary>
    public StreamPipe(SslStream stream, Socket socket, int inputBufferBytes, int outputBufferBytes)
        : base(inputBufferBytes, outputBufferBytes)
    {
        _stream = stream;
        _socket = socket;
    }

    /// <inheritdoc/>
    protected override void Close()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    /// <inheritdoc/>
    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _stream.ReadAsync(buffer);

    /// <inheritdoc/>
    protected override Exception? ReceiveError(Exception e, ConnectionEnd end) => Wrap(e);

    /// <inheritdoc/>
    protected override ValueTask SendAsync(ReadOnlyMemory<byte> data) => _stream.WriteAsync(data);

    /// <inheritdoc/>
    protected override async ValueTask ShutdownSendAsync()
    {
        await _stream.ShutdownAsync().ConfigureAwait(false);
        _socket.Shutdown(SocketShutdown.Send);
    }

    // As SocketPipe: our own abort is no error; a reset, and a TLS stream the peer broke (a corrupt or truncated record
    // is an IOException or AuthenticationException from SslStream), is the peer's doing: a ConnectionResetException.
    private Exception? Wrap(Exception e) => SocketPipe.Classify(e, Disposed) switch
    {
        ConnectionEnd.Aborted => null,
        ConnectionEnd.Reset => new ConnectionResetException(e),
        _ when e is IOException or System.Security.Authentication.AuthenticationException => new ConnectionResetException(e),
        _ => e,
    };
}
