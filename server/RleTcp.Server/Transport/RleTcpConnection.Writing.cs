using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// Writing answers: one loop takes the answers in request order, copies each into the bounded output pipe in slices,
/// flushes when nothing else is ready, and releases every answer it will not send. On the textbook port the one answer
/// is its bare body when OK and nothing at all otherwise, and the connection closes after it.
/// </summary>
internal sealed partial class RleTcpConnection
{
    private const int WriteSlice = 64 * 1024;

    // A body segment this long is sent from the answer's own buffer (PipeTransport.SendUnbufferedAsync) instead of
    // being copied into the output pipe slice by slice: for a 5 MB answer that is one copy and ~80 sends fewer.
    private const int UnbufferedMinimum = 256 * 1024;

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _pipe.Output;
        ChannelReader<Task<ServerResponse>> pending = _pending.Reader;
        try
        {
            // No token here: a cancellable wait allocates an operation per call, a token-less one reuses the channel's
            // single waiter. Abort completes the channel instead, which ends this wait.
            while (await pending.WaitToReadAsync().ConfigureAwait(false) && !_abort.IsCancellationRequested)
            {
                while (!_abort.IsCancellationRequested && pending.TryRead(out Task<ServerResponse>? next))
                {
                    ServerResponse answer;
                    try
                    {
                        // WaitAsync only when there is something to wait for: it allocates.
                        answer = next.IsCompleted ? await next.ConfigureAwait(false) : await next.WaitAsync(_abort.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        // Aborted while the answer was being computed: it is already out of the channel, so
                        // DisposeUnsent will not see it.
                        Interlocked.Decrement(ref _outstanding);
                        DisposeWhenDone(next);
                        throw;
                    }

                    bool sent;
                    try
                    {
                        long bytes;
                        (sent, bytes) = _services.IsTextbook
                            ? await WriteTextbookAnswerAsync(output, answer).ConfigureAwait(false)
                            : (await WriteAnswerAsync(output, answer, head: true).ConfigureAwait(false), answer.FrameLength);
                        LogAnswered(_id, answer.Status, answer.BodyLength);
                        _services.Metrics.Answered(answer.Status, bytes, answer.IsPing, _services.Listener);
                    }
                    finally
                    {
                        answer.Dispose();
                        Volatile.Write(ref _lastAnswered, _services.Time.GetTimestamp()); // before the decrement: see CheckDeadlines
                        Interlocked.Decrement(ref _outstanding);
                        _v2?.ReleaseSlot();
                    }

                    // Flush when nothing else is ready, so a burst of pipelined answers leaves in few sends.
                    bool more = pending.TryPeek(out Task<ServerResponse>? after) && after.IsCompleted;
                    if (sent && (!more || answer.ClosesConnection || _services.IsTextbook))
                    {
                        sent = await FlushAsync(output).ConfigureAwait(false);
                    }

                    if (!sent)
                    {
                        if (!_abort.IsCancellationRequested)
                        {
                            PeerGone();
                        }

                        return;
                    }

                    if (answer.ClosesConnection || _services.IsTextbook)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ConnectionResetException or IOException or System.Net.Sockets.SocketException)
        {
            // A send that failed (reset, or cancelled because we cut the connection) ends the writing; not a fault.
            if (!_abort.IsCancellationRequested)
            {
                PeerGone();
            }
        }
        finally
        {
            DisposeUnsent();
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    // The textbook wire has no status: an OK answer is its RLE bytes alone, anything else is no byte at all (the
    // connection then closes, which the client reads as an empty result), logged with its reason.
    private async ValueTask<(bool Sent, long Bytes)> WriteTextbookAnswerAsync(PipeWriter output, ServerResponse answer)
    {
        if (answer.Status != ResponseStatus.Ok)
        {
            LogTextbookRefused(_id, answer.Status, answer.Message);
            return (true, 0);
        }

        return (await WriteAnswerAsync(output, answer, head: false).ConfigureAwait(false), answer.BodyLength);
    }

    // Copies the answer into the pipe in slices, flushing between them, so a 100 MB answer passes through the bounded
    // output pipe instead of being copied into it whole. Small answers are only buffered; the loop flushes them.
    private async ValueTask<bool> WriteAnswerAsync(PipeWriter output, ServerResponse answer, bool head)
    {
        if (head)
        {
            answer.WriteHead(output);
        }

        long unflushed = 0;
        for (int i = 0; i < answer.BodySegmentCount; i++)
        {
            ReadOnlyMemory<byte> rest = answer.GetBodySegment(i);
            if (rest.Length >= UnbufferedMinimum)
            {
                // What is buffered goes first; the answer (and so this buffer) is disposed only after the send is done.
                if (!await FlushAsync(output).ConfigureAwait(false) || !await SendUnbufferedAsync(rest).ConfigureAwait(false))
                {
                    return false;
                }

                unflushed = 0;
                continue;
            }

            while (!rest.IsEmpty)
            {
                // One pipe segment per slice (GetSpan with the whole size), so the send loop sends it in one call;
                // PipeWriter.Write would copy it into minimum-size (4 KB) segments, one send each.
                ReadOnlyMemory<byte> slice = rest[..Math.Min(rest.Length, WriteSlice)];
                slice.Span.CopyTo(output.GetSpan(slice.Length));
                output.Advance(slice.Length);
                rest = rest[slice.Length..];
                unflushed += slice.Length;
                if (unflushed >= WriteSlice)
                {
                    unflushed = 0;
                    if (!await FlushAsync(output).ConfigureAwait(false))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    // A flush waits only while the output pipe is full, i.e. while the peer is not reading. Only then is a write
    // deadline set, one idle timeout away, for the heartbeat to compare; it is taken down as soon as the flush ends,
    // so it never outlives the flush it guards. False: the peer is gone or the connection was cut.
    private async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        ValueTask<FlushResult> flush = output.FlushAsync();
        FlushResult flushed;
        if (flush.IsCompleted)
        {
            flushed = flush.Result;
        }
        else
        {
            Volatile.Write(ref _writeDeadline, _services.Time.GetTimestamp() + _idleTicks);
            try
            {
                flushed = await flush.ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _writeDeadline, NoDeadline);
            }
        }

        return !flushed.IsCompleted && !flushed.IsCanceled;
    }

    // As FlushAsync: the send waits for the peer only while its socket buffer is full, and that wait is bounded by the
    // same write deadline (the heartbeat then aborts the connection, which fails the send and so ends this wait).
    private async ValueTask<bool> SendUnbufferedAsync(ReadOnlyMemory<byte> data)
    {
        Task<bool> send = _pipe.SendUnbufferedAsync(data);
        Volatile.Write(ref _writeDeadline, _services.Time.GetTimestamp() + _idleTicks);
        try
        {
            return await send.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writeDeadline, NoDeadline);
        }
    }

    // The peer cannot take answers any more: stop reading from it too.
    private void PeerGone()
    {
        _peerGone = true;
        _v2?.CancelAll();
        _pending.Writer.TryComplete();
        _pipe.Input.CancelPendingRead();
    }

    private void DisposeUnsent()
    {
        _pending.Writer.TryComplete();
        while (_pending.Reader.TryRead(out Task<ServerResponse>? unsent))
        {
            Interlocked.Decrement(ref _outstanding);
            DisposeWhenDone(unsent);
        }
    }

    // An answer that will not be sent still owns pooled buffers once computed: release them when it completes.
    private static void DisposeWhenDone(Task<ServerResponse> answer) =>
        answer.ContinueWith(
            static t => t.Result.Dispose(),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
}
