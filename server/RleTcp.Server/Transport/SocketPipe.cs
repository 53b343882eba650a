using System.IO.Pipelines;
using System.Net.Sockets;

namespace RleTcp.Server.Transport;

/// <summary>
/// Moves bytes between a connected socket and a duplex pipe, and nothing else (Kestrel's transport shape): one receive
/// loop fills <see cref="Input"/>, one send loop drains <see cref="Output"/>. Both pipes are bounded: the receive loop
/// stops reading when <see cref="Input"/> holds the pause threshold, and writers to <see cref="Output"/> wait when it
/// does, each resuming at half. Receives start with a zero-byte read so an idle connection holds no buffer.
/// </summary>
internal sealed class SocketPipe
{
    // Unread input left in the kernel when a socket is closed makes it send a reset, which can destroy the answer
    // the peer has not read yet (a FrameTooLarge sent while the client is still uploading). So after the last
    // answer the input is read and dropped for up to this long before the socket is closed ("lingering close").
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);
    private const int MinimumReceive = 4096;

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _disposed;

    public SocketPipe(Socket socket, int inputBufferBytes, int outputBufferBytes)
    {
        _socket = socket;
        _input = new Pipe(Options(inputBufferBytes));
        _output = new Pipe(Options(outputBufferBytes));
    }

    /// <summary>Bytes received from the peer.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>Bytes to send to the peer; completing it sends a FIN once everything is sent.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>How the receive side ended, once it has.</summary>
    public ConnectionEnd ReceiveEnd { get; private set; } = ConnectionEnd.None;

    /// <summary>How the send side ended, once it has.</summary>
    public ConnectionEnd SendEnd { get; private set; } = ConnectionEnd.None;

    public void Start()
    {
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    /// <summary>
    /// Waits for <see cref="Output"/> (which the caller has completed) to be sent, lingers for the peer's remaining input,
    /// then closes the socket. <paramref name="abort"/> cuts both short.
    /// </summary>
    public async Task CloseAsync(CancellationToken abort)
    {
        try
        {
            await _sending.WaitAsync(abort).ConfigureAwait(false);
            await _receiving.WaitAsync(LingerTimeout, abort).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Cut short: the socket is closed below regardless.
        }
        finally
        {
            Abort();
        }

        await Task.WhenAll(_sending, _receiving).ConfigureAwait(false);
    }

    /// <summary>Closes the socket at once; both loops end.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    private static PipeOptions Options(int pauseBytes) => new(
        pauseWriterThreshold: pauseBytes,
        resumeWriterThreshold: pauseBytes / 2,
        minimumSegmentSize: MinimumReceive,
        useSynchronizationContext: false);

    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
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

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
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

    private ConnectionEnd Classify(Exception e) => e switch
    {
        ObjectDisposedException => ConnectionEnd.Aborted,
        SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } => ConnectionEnd.Aborted,
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.TimedOut or SocketError.NetworkReset }
            => Volatile.Read(ref _disposed) != 0 ? ConnectionEnd.Aborted : ConnectionEnd.Reset,
        _ => Volatile.Read(ref _disposed) != 0 ? ConnectionEnd.Aborted : ConnectionEnd.Fault,
    };
}
