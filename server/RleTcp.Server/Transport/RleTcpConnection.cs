using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RleTcp.Server.Configuration;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// The protocol over one <see cref="IConnectionTransport"/> (plain TCP, TLS, or in memory): a read loop that parses
/// frames, copies payloads into pooled buffers and submits them (<c>RleTcpConnection.Reading.cs</c>), and a single
/// write loop that sends the answers in request order (<c>RleTcpConnection.Writing.cs</c>). This file holds the
/// lifetime: start, the end and its classification, abort, and the heartbeat's deadline checks.
/// </summary>
/// <remarks>
/// Pipelining: the read loop puts one task per request into a bounded channel (at most
/// <see cref="RleTcpServerOptions.MaxPipelinedRequests"/>) and the write loop awaits them in order. When the channel
/// is full the read loop waits, so a client that never reads its answers stops being read from.
/// Timing: no timer per connection. The connection keeps two deadlines as timestamps (the read deadline: the frame
/// deadline while a frame is in progress, else the idle deadline; the write deadline: set only while a flush waits for
/// the peer), and the listener's <see cref="ConnectionHeartbeat"/> compares them with the clock (<see cref="OnHeartbeat"/>).
/// </remarks>
internal sealed partial class RleTcpConnection
{
    private const long NoDeadline = long.MaxValue;

    private readonly long _id;
    private readonly IConnectionTransport _pipe;
    private readonly EndPoint? _remote;
    private readonly RleTcpServerOptions _options;
    private readonly ConnectionServices _services;

    // Budgets hook (issue 10): this connection's own queue in the executor (round-robin between connections) and its
    // share of the unsent-answer budget; answers are charged when built and released when disposed after sending.
    private readonly RequestSource _source;
    private readonly ILogger _logger;
    private readonly Channel<Task<ServerResponse>> _pending;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationToken _stopping;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _frameTicks;
    private readonly long _idleTicks;

    private long _readDeadline = NoDeadline;
    private long _writeDeadline = NoDeadline;
    private long _lastAnswered;
    private int _outstanding;
    private volatile bool _writeStalled;
    private long _requests;
    private volatile bool _peerGone;

    public RleTcpConnection(long id, IConnectionTransport pipe, EndPoint? remote, ConnectionServices services, CancellationToken stopping)
    {
        _id = id;
        _pipe = pipe;
        _remote = remote;
        _services = services;
        _source = services.Executor.CreateSource();
        _options = services.Options;
        _logger = services.Logger;
        _stopping = stopping;
        _frameTicks = services.ToTimestampTicks(_options.FrameTimeout);
        _idleTicks = services.ToTimestampTicks(_options.IdleTimeout);
        _pending = Channel.CreateBounded<Task<ServerResponse>>(new BoundedChannelOptions(_options.MaxPipelinedRequests)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The connection's number in logs.</summary>
    public long Id => _id;

    /// <summary>
    /// Requests read and not yet answered: at most <see cref="RleTcpServerOptions.MaxPipelinedRequests"/> queued, plus
    /// the one the writer is sending and the one the reader is waiting to queue.
    /// </summary>
    public int PendingAnswers => Volatile.Read(ref _outstanding);

    /// <summary>Completes when the connection is closed and everything it held is released.</summary>
    public Task Completion => _completed.Task;

    /// <summary>How the connection ended (<see cref="ConnectionEnd.None"/> until <see cref="Completion"/>).</summary>
    public ConnectionEnd End { get; private set; } = ConnectionEnd.None;

    /// <summary>Whether the read loop has seen the first byte of a frame that is not whole yet.</summary>
    internal bool IsFrameInProgress => Volatile.Read(ref _frameStarted);

    /// <summary>Whether a flush is waiting for the peer to read now (a write deadline is set).</summary>
    internal bool IsWaitingForPeer => Volatile.Read(ref _writeDeadline) != NoDeadline;

    /// <summary>Closes the socket at once (shutdown past the drain timeout, or a peer that stopped reading).</summary>
    public void Abort()
    {
        _abort.Cancel();
        _v2?.CancelAll();

        // Wakes the writer's token-less waits (see WriteLoopAsync and FlushAsync); the reader, if it is queueing, sees
        // the channel closed with _abort set, which RunAsync reads as Aborted.
        _pending.Writer.TryComplete();
        _pipe.Output.CancelPendingFlush();
        _pipe.Abort();
    }

    /// <summary>
    /// Called by the heartbeat with the current timestamp: wakes the read loop when its deadline has passed (it then
    /// decides from the clock what expired, so a wake-up that raced a new deadline is harmless), and cuts a connection
    /// whose flush has waited for the peer longer than the idle timeout.
    /// </summary>
    public void OnHeartbeat(long now)
    {
        long read = Volatile.Read(ref _readDeadline);
        if (now >= read && Interlocked.CompareExchange(ref _readDeadline, NoDeadline, read) == read)
        {
            _pipe.Input.CancelPendingRead();
        }

        // Only the deadline of the flush that set it can be taken: a flush that ended has already put NoDeadline
        // back, and the next flush sets a fresh one, so a late tick can never fail a healthy connection's next flush.
        long write = Volatile.Read(ref _writeDeadline);
        if (now >= write && Interlocked.CompareExchange(ref _writeDeadline, NoDeadline, write) == write)
        {
            LogNotReading(_id);
            _writeStalled = true;
            Abort();
        }
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
                    Volatile.Write(ref _readDeadline, NoDeadline);
                    ReleasePartialFrame();
                    await DrainV2Async(end).ConfigureAwait(false);
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
            End = end;
            // _abort is not disposed: the listener may still call Abort on a finished connection during shutdown.
            _completed.TrySetResult();
        }
    }
}
