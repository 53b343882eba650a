using System.Buffers;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;

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
                    bool slot = false;
                    if (_inFlightSlots is not null && request.Op != V2Op.Cancel && !request.Task.IsCompleted)
                    {
                        // v2: never more in flight than HELLO allowed, so this client is not answered Busy for its own pipelining.
                        if (!_inFlightSlots.Wait(0))
                        {
                            await FlushAsync().ConfigureAwait(false);
                            try
                            {
                                await _inFlightSlots.WaitAsync(_dead.Token).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                // The connection died while this request waited for room: it was never written.
                                if (request.TryBeginWrite())
                                {
                                    request.EndWrite();
                                }

                                request.TrySetException(CopyOfFailure());
                                return;
                            }
                        }

                        slot = true;
                    }

                    if (!request.TryBeginWrite())
                    {
                        if (slot)
                        {
                            _inFlightSlots!.Release();
                        }

                        continue; // cancelled while queued: nothing was sent, so no answer will come
                    }

                    if (!TryJoinAnswerQueue(request))
                    {
                        request.EndWrite();
                        if (slot)
                        {
                            _inFlightSlots!.Release();
                        }

                        request.TrySetException(CopyOfFailure());
                        continue;
                    }

                    ReadOnlyMemory<byte> payload = request.Payload;
                    if (Server is null)
                    {
                        FrameHeader.Write(_output, (ulong)payload.Length);
                    }
                    else
                    {
                        V2Messages.WriteRequestHead(_output, request.Op, request.Id, request.Options, payload.Length);
                    }
                    if (payload.Length >= DirectWriteThreshold)
                    {
                        await FlushAsync().ConfigureAwait(false);
                        await _stream.WriteAsync(payload).ConfigureAwait(false);
                    }
                    else
                    {
                        _output.Write(payload.Span);
                    }

                    if (request.EndWrite())
                    {
                        CancelOnServer(request);
                    }

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

            if (Server is null)
            {
                _awaitingAnswer.Enqueue(request);
            }
            else
            {
                // Ids are this connection's own: the next free one, never 0 (the server's connection-level answers).
                do
                {
                    _nextId = _nextId == uint.MaxValue ? 1 : _nextId + 1;
                }
                while (_byId.ContainsKey(_nextId));

                request.Id = _nextId;
                _byId.Add(_nextId, request);
            }

            _awaitingCount++;
            return true;
        }
    }
}
