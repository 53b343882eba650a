using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Server.Execution;
using RleTcp.Server.Hosting;
using RleTcp.Server.Transport.V2;

namespace RleTcp.Server.Transport;

/// <summary>
/// The protocol over one <see cref="IConnectionTransport"/> (plain TCP or TLS): a read loop that parses frames, copies payloads into pooled buffers
/// and submits them, and a single write loop that sends the answers in request order.
/// </summary>
/// <remarks>
/// Pipelining: the read loop puts one task per request into a bounded channel (at most
/// <see cref="RleTcpServerOptions.MaxPipelinedRequests"/>) and the write loop awaits them in order. When the channel
/// is full the read loop waits, so a client that never reads its answers stops being read from.
/// Timing: one timer per connection. Before each read it is armed with the frame deadline (a frame is in progress:
/// its first byte has arrived) or the idle deadline (none is); when it fires it cancels the pending read, and the read
/// loop decides from the clock what has expired, so a stale firing is harmless.
/// </remarks>
internal sealed partial class RleTcpConnection
{
    private const int WriteSlice = 64 * 1024;
    private static readonly Task<ServerResponse> PingAnswer = Task.FromResult(ServerResponse.Ping);

    private readonly long _id;
    private readonly IConnectionTransport _pipe;
    private readonly EndPoint? _remote;
    private readonly RleTcpServerOptions _options;
    private readonly RequestExecutor _executor;
    private readonly BufferedBytesBudget _budget;
    private readonly ILogger _logger;
    private readonly Channel<Task<ServerResponse>> _pending;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationToken _stopping;
    private readonly ITimer _timer;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReadState _state = ReadState.Header;
    private PooledPayload? _payload;
    private int _payloadFilled;
    private long _discardRemaining;
    private bool _frameStarted;
    private long _frameDeadline;
    private long _idleDeadline;
    private int _outstanding;
    private CancellationTokenSource? _writeGuard;
    private volatile bool _writeStalled;
    private long _requests;
    private volatile bool _peerGone;

    // Protocol v2 (docs/PROTOCOL.md): decided by the first frame; null while undecided and for v1 connections.
    private bool _firstFrameSeen;
    private V2Session? _v2;
    private byte[]? _discardHead;
    private int _discardHeadFilled;

    public RleTcpConnection(
        long id,
        IConnectionTransport pipe,
        EndPoint? remote,
        RleTcpServerOptions options,
        RequestExecutor executor,
        BufferedBytesBudget budget,
        ILogger logger,
        CancellationToken stopping)
    {
        _id = id;
        _pipe = pipe;
        _remote = remote;
        _options = options;
        _executor = executor;
        _budget = budget;
        _logger = logger;
        _stopping = stopping;
        _pending = Channel.CreateBounded<Task<ServerResponse>>(new BoundedChannelOptions(options.MaxPipelinedRequests)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _timer = TimeProvider.System.CreateTimer(
            static state => ((RleTcpConnection)state!)._pipe.Input.CancelPendingRead(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private enum ReadState
    {
        Header,
        Payload,
        Discard,
    }

    /// <summary>
    /// Requests read and not yet answered: at most <see cref="RleTcpServerOptions.MaxPipelinedRequests"/> queued, plus
    /// the one the writer is sending and the one the reader is waiting to queue.
    /// </summary>
    public int PendingAnswers => Volatile.Read(ref _outstanding);

    /// <summary>Completes when the connection is closed and everything it held is released.</summary>
    public Task Completion => _completed.Task;

    /// <summary>Closes the socket at once (shutdown past the drain timeout).</summary>
    public void Abort()
    {
        _abort.Cancel();
        _v2?.CancelAll();

        // Wakes the writer's token-less wait (see WriteLoopAsync); the reader, if it is queueing, sees the channel
        // closed with _abort set, which RunAsync reads as Aborted.
        _pending.Writer.TryComplete();
        _pipe.Abort();
    }

    /// <summary>Runs the connection to its end; never throws.</summary>
    public async Task RunAsync()
    {
        ConnectionEnd end = ConnectionEnd.Fault;
        try
        {
            LogOpened(_id, _remote);
            _pipe.Start();
            Task writing = WriteLoopAsync();
            using (_stopping.UnsafeRegister(static s => ((RleTcpConnection)s!)._pipe.Input.CancelPendingRead(), this))
            {
                try
                {
                    end = await ReadLoopAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ChannelClosedException
                                          && (_abort.IsCancellationRequested || _peerGone))
                {
                    end = _peerGone ? ConnectionEnd.Reset : ConnectionEnd.Aborted;
                }
                catch (ConnectionResetException)
                {
                    end = ConnectionEnd.Reset;
                }
                catch (Exception e)
                {
                    LogFault(e, _id);
                    end = ConnectionEnd.Fault;
                }
                finally
                {
                    _timer.Dispose();
                    ReleasePartialFrame();
                    if (_v2 is not null)
                    {
                        // v2 answers join the writer only when ready: wait for those still computing (half-close and
                        // shutdown answer them; any other end stops them at their next row or band) before closing it.
                        if (end is not ConnectionEnd.PeerClosed and not ConnectionEnd.ServerStopping || _peerGone)
                        {
                            _v2.CancelAll();
                        }

                        await _v2.WhenIdleAsync().ConfigureAwait(false);
                    }

                    _pending.Writer.TryComplete();
                    await _pipe.Input.CompleteAsync().ConfigureAwait(false);
                }
            }

            await writing.ConfigureAwait(false);
            if (_writeStalled)
            {
                end = ConnectionEnd.WriteStalled;
            }
            else if (_peerGone && end is not ConnectionEnd.Aborted and not ConnectionEnd.Fault)
            {
                end = ConnectionEnd.Reset;
            }

            await _pipe.CloseAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFault(e, _id);
            _pipe.Abort();
        }
        finally
        {
            LogClosed(_id, end, _requests);
            // _abort is not disposed: the listener may still call Abort on a finished connection during shutdown.
            _writeGuard?.Dispose();
            _completed.TrySetResult();
        }
    }

    private async Task<ConnectionEnd> ReadLoopAsync()
    {
        PipeReader input = _pipe.Input;
        while (true)
        {
            ArmTimer();
            ReadResult result = await input.ReadAsync(_abort.Token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ConnectionEnd? end = null;
            try
            {
                while (end is null && !buffer.IsEmpty)
                {
                    if (_state == ReadState.Header)
                    {
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
                            end = ConnectionEnd.FrameTooLarge;
                        }
                        else if (length == 0)
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
                    else
                    {
                        buffer = TakePayloadBytes(buffer);
                        if (_state == ReadState.Payload ? _payloadFilled == _payload!.Length : _discardRemaining == 0)
                        {
                            await CompleteFrameAsync().ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                // Everything not consumed has been examined: wait for more bytes before parsing again.
                input.AdvanceTo(buffer.Start, result.Buffer.End);
                _executor.Metrics.Received(result.Buffer.Length - buffer.Length);
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
                    // The last frame goes behind the pending answers; a full pipeline is waited out (the writer's stall
                    // guard and _abort bound the wait), never skipped: the protocol promises this answer.
                    await EnqueueAsync(Task.FromResult(ForProtocol(lastAnswer))).ConfigureAwait(false);
                }

                return expired;
            }
        }
    }

    // Decides what a cancelled read means: shutdown, an expired deadline, or nothing (a stale timer firing).
    // lastAnswer is the frame to send before closing (the frame Timeout), if any; the caller queues it.
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

        long now = Stopwatch.GetTimestamp();
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
            // reading is caught by the writer's stall guard.)
            return null;
        }

        LogIdle(_id);
        return ConnectionEnd.IdleTimeout;
    }

    private void ArmTimer()
    {
        long now = Stopwatch.GetTimestamp();
        TimeSpan due;
        if (_frameStarted)
        {
            due = Stopwatch.GetElapsedTime(now, _frameDeadline);
            if (due < TimeSpan.Zero)
            {
                due = TimeSpan.Zero;
            }
        }
        else
        {
            _idleDeadline = now + ToTicks(_options.IdleTimeout);
            due = _options.IdleTimeout;
        }

        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void StartFrameClock()
    {
        if (!_frameStarted)
        {
            _frameStarted = true;
            _frameDeadline = Stopwatch.GetTimestamp() + ToTicks(_options.FrameTimeout);
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private void BeginPayload(int length)
    {
        // Admission on the declared length, before any payload byte is held.
        if (_budget.TryReserve(length))
        {
            _payload = PooledPayload.Rent(length, _budget);
            _payloadFilled = 0;
            _state = ReadState.Payload;
        }
        else
        {
            LogOverBudget(_id, length, _budget.Used, _budget.Capacity);
            _discardRemaining = length;
            _state = ReadState.Discard;
            if (_v2 is not null)
            {
                // The Busy answer must echo the request's id: keep the head of the bytes that are dropped.
                _discardHead ??= new byte[V2Wire.RequestHeadSize];
                _discardHeadFilled = 0;
            }
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
        if (_v2 is not null && _discardHeadFilled < _discardHead!.Length)
        {
            int keep = (int)Math.Min(skip, _discardHead.Length - _discardHeadFilled);
            buffer.Slice(0, keep).CopyTo(_discardHead.AsSpan(_discardHeadFilled));
            _discardHeadFilled += keep;
        }

        _discardRemaining -= skip;
        return buffer.Slice(skip);
    }

    private async ValueTask CompleteFrameAsync()
    {
        bool first = !_firstFrameSeen;
        _firstFrameSeen = true;
        if (_v2 is not null)
        {
            PooledPayload? v2Payload = _state == ReadState.Payload ? _payload : null;
            _payload = null;
            _state = ReadState.Header;
            _frameStarted = false;
            await AcceptV2Async(v2Payload).ConfigureAwait(false);
            return;
        }

        if (first && _state == ReadState.Payload && _options.EnableProtocolV2 && V2Wire.IsHello(_payload!.Memory.Span)
            && _payload.Memory.Span[V2Wire.HelloMagic.Length] >= V2Wire.Version)
        {
            _payload.Dispose();
            _payload = null;
            _state = ReadState.Header;
            _frameStarted = false;
            _v2 = new V2Session(_id, _options, _executor, _logger, DeliverV2);
            await _v2.AcquireSlotAsync(_abort.Token).ConfigureAwait(false);
            await EnqueueAsync(Task.FromResult(_v2.Hello())).ConfigureAwait(false);
            return;
        }

        Task<ServerResponse> answer;
        if (_state == ReadState.Payload)
        {
            PooledPayload payload = _payload!;
            _payload = null;
            if (!_executor.TrySubmit(payload, out answer))
            {
                payload.Dispose();
                LogQueueFull(_id);
                _executor.Metrics.Busy(RleTcpMetrics.BusyReason.QueueFull);
                answer = Task.FromResult(ServerResponse.Error(
                    ResponseStatus.Busy, "The server's work queue is full; retry later."));
            }
        }
        else
        {
            _executor.Metrics.Busy(RleTcpMetrics.BusyReason.BufferBudget);
            answer = Task.FromResult(ServerResponse.Error(
                ResponseStatus.Busy, "The server is holding as many request bytes as it allows; retry later."));
        }

        _state = ReadState.Header;
        _frameStarted = false;
        await EnqueueAsync(answer).ConfigureAwait(false);
    }

    // One v2 frame (null payload: empty or dropped for the budget). Waits for answer room first, so a client that
    // does not read stops being read from, as in v1.
    private async ValueTask AcceptV2Async(PooledPayload? payload)
    {
        V2Session v2 = _v2!;
        try
        {
            await v2.AcquireSlotAsync(_abort.Token).ConfigureAwait(false);
        }
        catch
        {
            payload?.Dispose();
            throw;
        }

        _requests++;
        Interlocked.Increment(ref _outstanding);
        ServerResponse? now;
        if (payload is not null)
        {
            now = v2.Accept(payload);
        }
        else if (_discardHead is not null && _discardHeadFilled > 0)
        {
            _executor.Metrics.Busy(RleTcpMetrics.BusyReason.BufferBudget);
            now = v2.OverBudget(_discardHead.AsSpan(0, _discardHeadFilled));
            _discardHeadFilled = 0;
        }
        else
        {
            now = v2.EmptyFrame();
        }

        if (now is not null && !DeliverV2(now))
        {
            now.Dispose();
        }
    }

    // Queues a finished v2 answer without waiting: the slot taken for its request guarantees the channel has room.
    // Called by the read loop and by workers' completions. False when the connection is closing: the caller disposes it.
    private bool DeliverV2(ServerResponse answer)
    {
        if (_pending.Writer.TryWrite(Task.FromResult(answer)))
        {
            return true;
        }

        Interlocked.Decrement(ref _outstanding);
        _v2!.ReleaseSlot();
        return false;
    }

    // Connection-level answers (FrameTooLarge, a frame Timeout) carry a v2 head on a v2 connection.
    private ServerResponse ForProtocol(ServerResponse answer) => _v2 is null ? answer : V2Session.ConnectionLevel(answer);

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
                        sent = await WriteAnswerAsync(output, answer).ConfigureAwait(false);
                        LogAnswered(_id, answer.Status, answer.BodyLength);
                        _executor.Metrics.Answered(answer);
                    }
                    finally
                    {
                        answer.Dispose();
                        Interlocked.Decrement(ref _outstanding);
                        _v2?.ReleaseSlot();
                    }

                    // Flush when nothing else is ready, so a burst of pipelined answers leaves in few sends.
                    bool more = pending.TryPeek(out Task<ServerResponse>? after) && after.IsCompleted;
                    if (sent && (!more || answer.ClosesConnection))
                    {
                        sent = await GuardedFlushAsync(output).ConfigureAwait(false);
                    }

                    if (!sent)
                    {
                        PeerGone();
                        return;
                    }

                    if (answer.ClosesConnection)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ConnectionResetException or IOException)
        {
            PeerGone();
        }
        finally
        {
            DisposeUnsent();
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    // Copies the answer into the pipe in slices, flushing between them, so a 100 MB answer passes through the bounded
    // output pipe instead of being copied into it whole. Small answers are only buffered; the loop flushes them.
    private async ValueTask<bool> WriteAnswerAsync(PipeWriter output, ServerResponse answer)
    {
        answer.WriteHead(output);
        long unflushed = 0;
        for (int i = 0; i < answer.BodySegmentCount; i++)
        {
            ReadOnlyMemory<byte> rest = answer.GetBodySegment(i);
            while (!rest.IsEmpty)
            {
                ReadOnlyMemory<byte> slice = rest[..Math.Min(rest.Length, WriteSlice)];
                output.Write(slice.Span);
                rest = rest[slice.Length..];
                unflushed += slice.Length;
                if (unflushed >= WriteSlice)
                {
                    unflushed = 0;
                    if (!await GuardedFlushAsync(output).ConfigureAwait(false))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    // A flush waits only while the output pipe is full, i.e. while the peer is not reading. If that lasts an idle
    // timeout the peer has stopped reading: the connection is cut rather than held open forever.
    private async ValueTask<bool> GuardedFlushAsync(PipeWriter output)
    {
        _writeGuard ??= CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        _writeGuard.CancelAfter(_options.IdleTimeout);
        try
        {
            FlushResult flushed = await output.FlushAsync(_writeGuard.Token).ConfigureAwait(false);
            return !flushed.IsCompleted;
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            LogNotReading(_id);
            _writeStalled = true;
            Abort();
            return false;
        }
        finally
        {
            if (!_writeGuard.IsCancellationRequested)
            {
                _writeGuard.CancelAfter(Timeout.InfiniteTimeSpan);
            }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} opened from {Remote}")]
    private partial void LogOpened(long id, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} closed: {End} after {Requests} requests")]
    private partial void LogClosed(long id, ConnectionEnd end, long requests);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} answered {Status} with {BodyBytes} body bytes")]
    private partial void LogAnswered(long id, ResponseStatus status, long bodyBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: frame declares {Declared} bytes, over the limit of {Limit}; closing")]
    private partial void LogFrameTooLarge(long id, ulong declared, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: frame not complete within {TimeoutMs} ms of its first byte; closing")]
    private partial void LogFrameTimeout(long id, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: the peer took no answer bytes for an idle timeout (not reading); closing")]
    private partial void LogNotReading(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: idle timeout; closing")]
    private partial void LogIdle(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: a frame cut off by the end of input was dropped")]
    private partial void LogPartialFrameDropped(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: {Declared} bytes do not fit the request buffer budget ({Used} of {Capacity} used); Busy")]
    private partial void LogOverBudget(long id, int declared, long used, long capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: work queue full; Busy")]
    private partial void LogQueueFull(long id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Id} failed")]
    private partial void LogFault(Exception exception, long id);
}
