using System.Buffers;
using System.IO.Pipelines;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// Reading frames: the read loop (deadlines, <c>AdvanceTo</c>, the end of input) and the v1 frame state machine
/// (header, payload into a pooled buffer under the byte budget, or discard), which queues one answer per frame.
/// On the textbook port the same machine reads exactly one frame and then stops reading (later bytes are ignored).
/// </summary>
/// <remarks>
/// Protocol seam: <see cref="ReadLoopAsync"/> knows nothing of the frame layout; it hands every buffer to
/// <see cref="ConsumeFramesAsync"/>. A second protocol chosen after the first frame replaces that call (the first
/// header is parsed there) and reuses the rest: deadlines, budget, <see cref="EnqueueAsync"/> and the writer.
/// </remarks>
internal sealed partial class RleTcpConnection
{
    private static readonly Task<ServerResponse> PingAnswer = Task.FromResult(ServerResponse.Ping);

    private ReadState _state = ReadState.Header;
    private PooledPayload? _payload;
    private int _payloadFilled;
    private long _discardRemaining;
    private bool _frameStarted;
    private long _frameDeadline;
    private long _idleDeadline;

    private enum ReadState
    {
        Header,
        Payload,
        Discard,
    }

    private async Task<ConnectionEnd> ReadLoopAsync()
    {
        PipeReader input = _pipe.Input;
        while (true)
        {
            ArmReadDeadline();
            ReadResult result = await input.ReadAsync(_abort.Token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ConnectionEnd? end = null;
            try
            {
                (buffer, end) = await ConsumeFramesAsync(buffer).ConfigureAwait(false);
            }
            finally
            {
                // Everything not consumed has been examined: wait for more bytes before parsing again.
                input.AdvanceTo(buffer.Start, result.Buffer.End);
                _services.Metrics.Received(result.Buffer.Length - buffer.Length);
            }

            if (end is not null)
            {
                return end.Value;
            }

            if (_peerGone)
            {
                return ConnectionEnd.Reset;
            }

            if (result.IsCompleted)
            {
                if (_frameStarted)
                {
                    LogPartialFrameDropped(_id);
                }

                return ConnectionEnd.PeerClosed;
            }

            if (result.IsCanceled && CheckDeadlines(out ServerResponse? lastAnswer) is { } expired)
            {
                if (lastAnswer is not null)
                {
                    // The last frame goes behind the pending answers; a full pipeline is waited out (the write
                    // deadline and _abort bound the wait), never skipped: the protocol promises this answer.
                    await EnqueueAsync(Task.FromResult(ForProtocol(lastAnswer))).ConfigureAwait(false);
                }

                return expired;
            }
        }
    }

    // The v1 layout: consumes whole headers and payload bytes from buffer, queueing one answer per complete frame.
    // Returns what is left (an incomplete header) and the end of the connection when a frame ends it.
    private async ValueTask<(ReadOnlySequence<byte> Remaining, ConnectionEnd? End)> ConsumeFramesAsync(ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_state != ReadState.Header)
            {
                buffer = TakePayloadBytes(buffer);
                if (_state == ReadState.Payload ? _payloadFilled == _payload!.Length : _discardRemaining == 0)
                {
                    await CompleteFrameAsync().ConfigureAwait(false);
                    if (_services.IsTextbook)
                    {
                        return (buffer, ConnectionEnd.LocalClosed); // one request per connection
                    }
                }

                continue;
            }

            StartFrameClock();
            FrameParseStatus status = FrameParser.TryParseHeader(
                buffer, _options.MaxFrameBytes, out SequencePosition consumed, out _, out ulong length);
            if (status == FrameParseStatus.Incomplete)
            {
                break;
            }

            buffer = buffer.Slice(consumed);
            if (status == FrameParseStatus.TooLarge)
            {
                LogFrameTooLarge(_id, length, _options.MaxFrameBytes);
                await EnqueueAsync(Task.FromResult(ForProtocol(ServerResponse.Error(
                    ResponseStatus.FrameTooLarge,
                    $"The frame declares {length} bytes; this server accepts at most {_options.MaxFrameBytes}.",
                    closesConnection: true)))).ConfigureAwait(false);
                return (buffer, ConnectionEnd.FrameTooLarge);
            }

            if (length == 0 && _services.IsTextbook)
            {
                // The chapter's server has no ping: an empty payload is simply not an image.
                _frameStarted = false;
                await EnqueueAsync(Task.FromResult(ServerResponse.Error(
                    ResponseStatus.InvalidImage, "The payload is empty.", closesConnection: true))).ConfigureAwait(false);
                return (buffer, ConnectionEnd.LocalClosed);
            }

            if (length == 0)
            {
                _frameStarted = false;
                _firstFrameSeen = true;
                if (_v2 is not null)
                {
                    await AcceptV2Async(null).ConfigureAwait(false);
                }
                else
                {
                    await EnqueueAsync(PingAnswer).ConfigureAwait(false);
                }
            }
            else
            {
                BeginPayload((int)length);
            }
        }

        return (buffer, null);
    }

    // Decides what a cancelled read means: shutdown, an expired deadline, or nothing (a wake-up that raced a new
    // deadline). lastAnswer is the frame to send before closing (the frame Timeout), if any; the caller queues it.
    private ConnectionEnd? CheckDeadlines(out ServerResponse? lastAnswer)
    {
        lastAnswer = null;
        if (_stopping.IsCancellationRequested)
        {
            if (_frameStarted)
            {
                LogPartialFrameDropped(_id);
            }

            return ConnectionEnd.ServerStopping;
        }

        long now = _services.Time.GetTimestamp();
        if (_frameStarted)
        {
            if (now < _frameDeadline)
            {
                return null;
            }

            LogFrameTimeout(_id, _options.FrameTimeout.TotalMilliseconds);
            lastAnswer = ServerResponse.Error(
                ResponseStatus.Timeout,
                $"The frame did not arrive within {_options.FrameTimeout.TotalSeconds:0.###} s of its first byte.",
                closesConnection: true);
            return ConnectionEnd.FrameTimeout;
        }

        if (now < _idleDeadline)
        {
            return null;
        }

        if (Volatile.Read(ref _outstanding) > 0)
        {
            // Answers are still being computed or sent: the client is waiting for us, not idle. (A peer that stopped
            // reading is caught by the write deadline.)
            return null;
        }

        // The idle time counts from the last answer too: a wake-up for a deadline that passed while an answer was being
        // computed, read just after the writer sent it, must not close the connection as idle (the writer stamps the
        // time before it decrements _outstanding, read above).
        if (now < Volatile.Read(ref _lastAnswered) + _idleTicks)
        {
            return null;
        }

        LogIdle(_id);
        return ConnectionEnd.IdleTimeout;
    }

    // Before each read: the frame deadline while a frame is in progress, else a fresh idle deadline.
    private void ArmReadDeadline()
    {
        if (!_frameStarted)
        {
            _idleDeadline = _services.Time.GetTimestamp() + _idleTicks;
        }

        Volatile.Write(ref _readDeadline, _frameStarted ? _frameDeadline : _idleDeadline);
    }

    private void StartFrameClock()
    {
        if (!_frameStarted)
        {
            _frameStarted = true;
            _frameDeadline = _services.Time.GetTimestamp() + _frameTicks;
        }
    }

    private void BeginPayload(int length)
    {
        // Admission on the declared length, before any payload byte is held.
        BufferedBytesBudget budget = _services.Budget;
        if (budget.TryReserve(length))
        {
            _payload = PooledPayload.Rent(length, budget);
            _payloadFilled = 0;
            _state = ReadState.Payload;
        }
        else
        {
            LogOverBudget(_id, length, budget.Used, budget.Capacity);
            _discardRemaining = length;
            _state = ReadState.Discard;
            BeginDiscardHead();
        }
    }

    private ReadOnlySequence<byte> TakePayloadBytes(ReadOnlySequence<byte> buffer)
    {
        if (_state == ReadState.Payload)
        {
            int take = (int)Math.Min(buffer.Length, _payload!.Length - _payloadFilled);
            buffer.Slice(0, take).CopyTo(_payload.Memory.Span[_payloadFilled..]);
            _payloadFilled += take;
            return buffer.Slice(take);
        }

        long skip = Math.Min(buffer.Length, _discardRemaining);
        KeepDiscardHead(buffer.Slice(0, skip));
        _discardRemaining -= skip;
        return buffer.Slice(skip);
    }

    private async ValueTask CompleteFrameAsync()
    {
        if (await TryCompleteV2FrameAsync().ConfigureAwait(false))
        {
            return;
        }

        Task<ServerResponse> answer;
        if (_state == ReadState.Payload)
        {
            PooledPayload payload = _payload!;
            _payload = null;
            // continueInline: the worker that finishes the answer runs the write loop's continuation itself, so a small
            // answer leaves without a thread-pool hop (issue 14: the plain-socket peer has none).
            if (!_services.Executor.TrySubmit(
                    payload, _source, 0, processor: null, _options.RequestTimeout, CancellationToken.None, timeoutMessage: null,
                    out answer, continueInline: true))
            {
                payload.Dispose();
                LogQueueFull(_id);
                _services.Metrics.Busy(RleTcpMetrics.BusyReason.QueueFull);
                answer = Task.FromResult(ServerResponse.Error(
                    ResponseStatus.Busy, "The server's work queue is full; retry later."));
            }
        }
        else
        {
            _services.Metrics.Busy(RleTcpMetrics.BusyReason.BufferBudget);
            answer = Task.FromResult(ServerResponse.Error(
                ResponseStatus.Busy, "The server is holding as many request bytes as it allows; retry later."));
        }

        _state = ReadState.Header;
        _frameStarted = false;
        await EnqueueAsync(answer).ConfigureAwait(false);
    }

    private async ValueTask EnqueueAsync(Task<ServerResponse> answer)
    {
        _requests++;
        Interlocked.Increment(ref _outstanding);
        try
        {
            await _pending.Writer.WriteAsync(answer, _abort.Token).ConfigureAwait(false);
        }
        catch
        {
            // Closed by a gone peer or aborted: the answer (possibly still being computed) will never be sent, but its
            // pooled buffers must still go back.
            Interlocked.Decrement(ref _outstanding);
            DisposeWhenDone(answer);
            throw;
        }
    }

    private void ReleasePartialFrame()
    {
        _payload?.Dispose();
        _payload = null;
        _state = ReadState.Header;
    }
}
