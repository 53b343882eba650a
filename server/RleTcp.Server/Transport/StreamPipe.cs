using System.IO.Pipelines;
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
    protected override async Task SendLoopAsync()
    {
        PipeReader reader = OutputReader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await _stream.ShutdownAsync().ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e)
        {
            error = Wrap(e) ?? e;
        }
        finally
        {
            // Completing with the error makes the protocol side's next flush report the peer gone.
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
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
