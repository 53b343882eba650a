using System.Buffers;
using RleTcp.Protocol.Framing;

namespace RleTcp.Client;

public sealed partial class RleTcpClient
{
    // Small frames are batched in the pipe and flushed together; a payload this large or more is written
    // straight from the caller's memory instead of being copied into the pipe first.
    private const int DirectWriteThreshold = 64 * 1024;

    /// <summary>
    /// The only writer of the socket. A request joins the answer queue before its first byte is written, so the
    /// queue order is the wire order, which is the answer order.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var outbox = _outbox.Reader;
        try
        {
            while (await outbox.WaitToReadAsync().ConfigureAwait(false))
            {
                while (outbox.TryRead(out PendingRequest? request))
                {
                    Interlocked.Decrement(ref _queuedCount);
                    if (!request.TryBeginWrite())
                    {
                        continue; // cancelled while queued: nothing was sent, so no answer will come
                    }

                    if (!TryJoinAnswerQueue(request))
                    {
                        request.EndWrite();
                        request.TrySetException(CopyOfFailure());
                        continue;
                    }

                    ReadOnlyMemory<byte> payload = request.Payload;
                    FrameHeader.Write(_output, (ulong)payload.Length);
                    if (payload.Length >= DirectWriteThreshold)
                    {
                        await FlushAsync().ConfigureAwait(false);
                        await _stream.WriteAsync(payload).ConfigureAwait(false);
                    }
                    else
                    {
                        _output.Write(payload.Span);
                    }

                    request.EndWrite();
                    if (_output.UnflushedBytes >= DirectWriteThreshold)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }

                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(new RleTcpConnectionException(RleTcpConnectionError.Closed, $"Sending to {Remote} failed: {ex.Message}", ex));
        }
        finally
        {
            // Whatever is left was queued before the outbox closed and will never be written.
            while (outbox.TryRead(out PendingRequest? orphan))
            {
                Interlocked.Decrement(ref _queuedCount);
                if (orphan.TryBeginWrite())
                {
                    orphan.EndWrite();
                }

                orphan.TrySetException(CopyOfFailure());
            }

            try
            {
                await _output.CompleteAsync().ConfigureAwait(false); // returns the pipe's pooled buffers
            }
            catch (Exception)
            {
                // Everything was flushed before; a dead socket can only fail the final empty flush.
            }
        }
    }

    private async ValueTask FlushAsync()
    {
        if (_output.UnflushedBytes == 0)
        {
            return;
        }

        await _output.FlushAsync().ConfigureAwait(false);
    }

    private bool TryJoinAnswerQueue(PendingRequest request)
    {
        lock (_awaitingAnswer)
        {
            if (_failure is not null)
            {
                return false;
            }

            _awaitingAnswer.Enqueue(request);
            _awaitingCount++;
            return true;
        }
    }
}
