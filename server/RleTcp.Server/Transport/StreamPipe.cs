using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace RleTcp.Server.Transport;

/// <summary>
/// The TLS transport: the same bounded duplex pipe as <see cref="SocketPipe"/>, filled from and drained to an
/// authenticated <see cref="SslStream"/> instead of the socket. Receives start with a zero-byte read (SslStream supports
/// them), so an idle TLS connection holds no pipe buffer either. Ending the sending side sends TLS close_notify, then FIN.
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
    protected override async Task ReceiveLoopAsync()
    {
        PipeWriter writer = InputWriter;
        Exception? error = null;
        try
        {
            while (true)
            {
                await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                Memory<byte> memory = writer.GetMemory(MinimumReceive);
                int received = await _stream.ReadAsync(memory).ConfigureAwait(false);
                if (received == 0)
                {
                    return;
                }

                writer.Advance(received);
                FlushResult flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The protocol side is done reading: drop whatever else arrives (PipeTransport.LingerTimeout says why).
                    byte[] scratch = new byte[MinimumReceive];
                    while (await _stream.ReadAsync(scratch).ConfigureAwait(false) > 0)
                    {
                    }

                    return;
                }
            }
        }
        catch (Exception e)
        {
            error = Wrap(e);
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

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
