using System.IO.Pipelines;
using System.Net.Sockets;

namespace RleTcp.Server.Transport;

/// <summary>
/// Moves bytes between a connected socket and a duplex pipe, and nothing else (Kestrel's transport shape): one receive
/// loop fills <see cref="PipeTransport.Input"/>, one send loop drains <see cref="PipeTransport.Output"/>. Receives start
/// with a zero-byte read so an idle connection holds no buffer.
/// </summary>
internal sealed class SocketPipe : PipeTransport
{
    private readonly Socket _socket;

    public SocketPipe(Socket socket, int inputBufferBytes, int outputBufferBytes)
        : base(inputBufferBytes, outputBufferBytes)
    {
        _socket = socket;
    }

    /// <summary>How the receive side ended, once it has.</summary>
    public ConnectionEnd ReceiveEnd { get; private set; } = ConnectionEnd.None;

    /// <summary>How the send side ended, once it has.</summary>
    public ConnectionEnd SendEnd { get; private set; } = ConnectionEnd.None;

    /// <inheritdoc/>
    protected override void Close() => _socket.Dispose();

    /// <inheritdoc/>
    protected override async Task ReceiveLoopAsync()
    {
        PipeWriter writer = InputWriter;
        Exception? error = null;
        try
        {
            while (true)
            {
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                Memory<byte> memory = writer.GetMemory(MinimumReceive);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    ReceiveEnd = ConnectionEnd.PeerClosed;
                    return;
                }

                writer.Advance(received);
                FlushResult flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The protocol side is done reading: drop whatever else arrives (see LingerTimeout).
                    ReceiveEnd = ConnectionEnd.LocalClosed;
                    await DiscardUntilEndAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e)
        {
            ReceiveEnd = Classify(e);
            if (ReceiveEnd == ConnectionEnd.Reset)
            {
                error = new ConnectionResetException(e);
            }
            else if (ReceiveEnd != ConnectionEnd.Aborted)
            {
                error = e;
            }
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task DiscardUntilEndAsync()
    {
        byte[] scratch = new byte[MinimumReceive];
        while (await _socket.ReceiveAsync(scratch, SocketFlags.None).ConfigureAwait(false) > 0)
        {
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
                    ReadOnlyMemory<byte> rest = segment;
                    while (!rest.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                        rest = rest[sent..];
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            _socket.Shutdown(SocketShutdown.Send);
            SendEnd = ConnectionEnd.LocalClosed;
        }
        catch (Exception e)
        {
            SendEnd = Classify(e);
            error = SendEnd == ConnectionEnd.Reset ? new ConnectionResetException(e) : e;
        }
        finally
        {
            // Completing with the error makes the protocol side's next flush report the peer gone.
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private ConnectionEnd Classify(Exception e) => Classify(e, Disposed);

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
