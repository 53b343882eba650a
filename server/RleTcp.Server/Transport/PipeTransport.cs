using System.Buffers;
using System.IO.Pipelines;

namespace RleTcp.Server.Transport;

/// <summary>
/// What every transport shares: the two bounded pipes (the receive loop stops reading when <see cref="Input"/> holds
/// the pause threshold, writers to <see cref="Output"/> wait when it does, each resuming at half), starting both loops,
/// the receive loop itself (zero-byte wait, receive into the pipe, flush, discard after the protocol side is done), the
/// send loop (the pipe's bytes, then a big answer body straight from its own buffer: <see cref="SendUnbufferedAsync"/>),
/// the lingering close, and an abort that happens once. Subclasses move the bytes (<see cref="SocketPipe"/>,
/// <see cref="StreamPipe"/>).
/// </summary>
internal abstract class PipeTransport : IConnectionTransport
{
    // Unread input left in the kernel when a socket is closed makes it send a reset, which can destroy the answer
    // the peer has not read yet (a FrameTooLarge sent while the client is still uploading). So after the last
    // answer the input is read and dropped for up to this long before the socket is closed ("lingering close").
    protected static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The smallest receive buffer asked of the input pipe, and its segment size.</summary>
    protected const int MinimumReceive = 4096;

    /// <summary>The receive buffer asked for after a receive that filled its buffer (a large frame arriving).</summary>
    protected const int StreamingReceive = 256 * 1024;

    private readonly Pipe _input;
    private readonly Pipe _output;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _disposed;

    // The one unbuffered send waiting for the send loop (see SendUnbufferedAsync): whoever takes it out of this field
    // (the send loop to send it, or anyone once the send loop has ended) completes it.
    private UnbufferedSend? _unbuffered;
    private volatile bool _sendLoopEnded;

    protected PipeTransport(int inputBufferBytes, int outputBufferBytes)
    {
        _input = new Pipe(Options(inputBufferBytes));
        _output = new Pipe(Options(outputBufferBytes));
    }

    /// <inheritdoc/>
    public PipeReader Input => _input.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _output.Writer;

    /// <summary>Whether <see cref="Abort"/> has closed the connection (an error after it is ours, not the peer's).</summary>
    protected bool Disposed => Volatile.Read(ref _disposed) != 0;

    /// <inheritdoc/>
    public void Start()
    {
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    /// <inheritdoc/>
    public async Task CloseAsync(CancellationToken abort)
    {
        try
        {
            await _sending.WaitAsync(abort).ConfigureAwait(false);
            await _receiving.WaitAsync(LingerTimeout, abort).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Cut short: closed below regardless.
        }
        finally
        {
            Abort();
        }

        await Task.WhenAll(_sending, _receiving).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Close();
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Not copied into the output pipe (for a big answer the copy and its 64 KB slices cost more than the send): the
    /// send loop sends it after the pipe's bytes and completes the task only once it is done with
    /// <paramref name="data"/> (sent, or failed because the peer is gone or the connection was cut).
    /// </remarks>
    public Task<bool> SendUnbufferedAsync(ReadOnlyMemory<byte> data)
    {
        var send = new UnbufferedSend(data);
        // A full fence between publishing the send and reading _sendLoopEnded (the send loop's end does the mirror
        // image: sets the flag, then exchanges the field): with a plain release store the read could move before it,
        // both sides could miss each other, and the send would never complete.
        Interlocked.Exchange(ref _unbuffered, send);
        if (_sendLoopEnded)
        {
            Interlocked.Exchange(ref _unbuffered, null)?.Done.TrySetResult(false);
        }
        else
        {
            // Wakes the send loop if it waits for pipe bytes; if it is busy sending, its next read returns at once.
            _output.Reader.CancelPendingRead();
        }

        return send.Done.Task;
    }

    /// <summary>
    /// Receives into <paramref name="buffer"/>: the count, 0 at the peer's end. An empty buffer waits until data is
    /// available without consuming any (a zero-byte read), so an idle connection holds no pipe buffer.
    /// </summary>
    protected abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>
    /// The error the input pipe completes with when a receive threw <paramref name="e"/>, classified as
    /// <paramref name="end"/>: null for our own abort, a <see cref="ConnectionResetException"/> for the peer's doing.
    /// </summary>
    protected abstract Exception? ReceiveError(Exception e, ConnectionEnd end);

    /// <summary>Sends all of <paramref name="data"/> to the peer.</summary>
    protected abstract ValueTask SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Ends the sending side after the last answer (TLS close_notify first, then the TCP half-close).</summary>
    protected abstract ValueTask ShutdownSendAsync();

    /// <summary>Releases the socket (and stream); both loops then end.</summary>
    protected abstract void Close();

    // Drains the output pipe to the peer until the protocol side completes it, then ends the sending side.
    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                // A cancelled read is only SendUnbufferedAsync's wake-up: nothing else cancels this reader.
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                await SendBufferAsync(result.Buffer).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }

                if (Volatile.Read(ref _unbuffered) is not null)
                {
                    await SendPendingUnbufferedAsync(reader).ConfigureAwait(false);
                }
            }

            await ShutdownSendAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = ReceiveError(e, SocketPipe.Classify(e, Disposed)) ?? e;
        }
        finally
        {
            _sendLoopEnded = true;
            Interlocked.Exchange(ref _unbuffered, null)?.Done.TrySetResult(false);
            // Completing with the error makes the protocol side's next flush report the peer gone.
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async ValueTask SendBufferAsync(ReadOnlySequence<byte> buffer)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            await SendAsync(segment).ConfigureAwait(false);
        }
    }

    // The unbuffered bytes follow everything flushed before them: first whatever the pipe still holds (the writer
    // flushed it before asking and writes nothing more until the send is done), then the caller's buffer itself.
    private async ValueTask SendPendingUnbufferedAsync(PipeReader reader)
    {
        while (reader.TryRead(out ReadResult more))
        {
            // Also a result that only carries the wake-up (empty, cancelled): every read is advanced before the next.
            bool drained = more.Buffer.IsEmpty || more.IsCompleted;
            await SendBufferAsync(more.Buffer).ConfigureAwait(false);
            reader.AdvanceTo(more.Buffer.End);
            if (drained)
            {
                break;
            }
        }

        if (Interlocked.Exchange(ref _unbuffered, null) is { } send)
        {
            try
            {
                await SendAsync(send.Data).ConfigureAwait(false);
            }
            catch
            {
                send.Done.TrySetResult(false);
                throw;
            }

            send.Done.TrySetResult(true);
        }
    }

    // Fills the input pipe until the peer's end, and completes it (with the error, if any).
    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? error = null;
        try
        {
            bool streaming = false;
            while (true)
            {
                // Every receive waits with a zero-byte read first, so a connection holds no buffer while nothing
                // arrives (a peer cannot pin a big segment by going quiet after filling one). A receive that filled its
                // buffer means more is queued (a big frame arriving): the next one asks for a large segment, so a
                // 5 MB upload takes ~20 receives instead of ~1,300 (the zero-byte read then returns at once).
                await ReceiveAsync(Memory<byte>.Empty).ConfigureAwait(false);
                Memory<byte> memory = writer.GetMemory(streaming ? StreamingReceive : MinimumReceive);
                int received = await ReceiveAsync(memory).ConfigureAwait(false);
                if (received == 0)
                {
                    return;
                }

                streaming = received == memory.Length;
                writer.Advance(received);
                FlushResult flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The protocol side is done reading: drop whatever else arrives (see LingerTimeout).
                    byte[] scratch = new byte[MinimumReceive];
                    while (await ReceiveAsync(scratch).ConfigureAwait(false) > 0)
                    {
                    }

                    return;
                }
            }
        }
        catch (Exception e)
        {
            error = ReceiveError(e, SocketPipe.Classify(e, Disposed));
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    // The reader's continuation runs inline in the writer's flush: the receive loop's flush runs the frame reader,
    // the answer writer's flush runs the send loop, each on the thread that has the bytes, instead of a thread-pool
    // hop per flush (what the plain-socket echo peer never pays). Both readers only parse, copy or send, and return at
    // their next incomplete await.
    private static PipeOptions Options(int pauseBytes) => new(
        pool: ServerMemoryPool.Instance,
        readerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: pauseBytes,
        resumeWriterThreshold: pauseBytes / 2,
        minimumSegmentSize: MinimumReceive,
        useSynchronizationContext: false);

    // Completed asynchronously: the writer's continuation then never runs inside the send loop.
    private sealed class UnbufferedSend(ReadOnlyMemory<byte> data)
    {
        public ReadOnlyMemory<byte> Data => data;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
