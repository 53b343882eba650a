using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Server.Execution;
using RleTcp.Server.Execution.V2;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Transport.V2;

/// <summary>
/// The protocol v2 side of one connection (docs/PROTOCOL.md, "Version 2"), once its first frame was a HELLO: parses each
/// request, answers the quick ones (PING, CANCEL, BadRequest, Busy) at once, submits the others to the executor with
/// their options, and hands every answer to the connection's writer as soon as it is ready, in any order.
/// </summary>
/// <remarks>
/// Memory stays bounded: the connection's read loop takes a slot (<see cref="AcquireSlotAsync"/>) for each frame before
/// handing it here, and the writer returns it (<see cref="ReleaseSlot"/>) once the answer is written, so at most
/// <see cref="RleTcpServerOptions.MaxPipelinedRequests"/> answers are ever waiting and the writer's bounded channel
/// always has room for a finished one. Work is capped apart at <see cref="MaxInFlight"/>; more is answered Busy.
/// </remarks>
internal sealed partial class V2Session
{
    private readonly long _connectionId;
    private readonly RleTcpServerOptions _options;
    private readonly RequestExecutor _executor;
    private readonly RequestSource _source;
    private readonly RleTcpMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<Task<ServerResponse>, bool> _deliver;
    private readonly SemaphoreSlim _slots;
    private readonly string _serverTimeoutMessage;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, InFlight> _inFlight = [];

    // Requests' objects for reuse (guarded by _gate): at most as many as were ever in flight at once.
    private readonly Stack<InFlight> _free = new();
    private TaskCompletionSource? _idle;
    private int _delivering; // answers out of the table and not yet handed to the writer (guarded by _gate)
    private bool _closing;

    /// <param name="connectionId">For logs.</param>
    /// <param name="options">The operator's limits and defaults.</param>
    /// <param name="executor">Where the work runs.</param>
    /// <param name="source">The connection's place in the executor (its turn and its answer share).</param>
    /// <param name="metrics">The server's instruments.</param>
    /// <param name="logger">The connection's logger.</param>
    /// <param name="deliver">Queues a finished answer (a completed task) for the writer without waiting; false when the connection is gone (the answer is then disposed here).</param>
    public V2Session(
        long connectionId, RleTcpServerOptions options, RequestExecutor executor, RequestSource source, RleTcpMetrics metrics, ILogger logger, Func<Task<ServerResponse>, bool> deliver)
    {
        _metrics = metrics;
        _connectionId = connectionId;
        _options = options;
        _executor = executor;
        _source = source;
        _logger = logger;
        _deliver = deliver;
        _slots = new SemaphoreSlim(options.MaxPipelinedRequests);
        MaxInFlight = Math.Min(options.MaxInFlightPerConnection, options.MaxPipelinedRequests);
        _serverTimeoutMessage = $"The request was not processed within the server's time limit of {options.RequestTimeout.TotalMilliseconds:0} ms.";
    }

    /// <summary>Requests processed at once at most; announced in HELLO.</summary>
    public int MaxInFlight { get; }

    /// <summary>Waits for room for one more answer (the client is reading too slowly otherwise).</summary>
    public Task AcquireSlotAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>An answer left for the socket: its room is free again.</summary>
    public void ReleaseSlot() => _slots.Release();

    /// <summary>
    /// Handles one request frame (the session owns <paramref name="payload"/>). Returns the answer when it is known at once;
    /// null when the request went to the executor, whose answer is delivered when ready.
    /// </summary>
    public ServerResponse? Accept(PooledPayload payload)
    {
        bool submitted = false;
        try
        {
            ServerResponse? now = Dispatch(payload, ref submitted);
            return now;
        }
        finally
        {
            if (!submitted)
            {
                payload.Dispose();
            }
        }
    }

    /// <summary>
    /// Stops every request in flight (the connection is closing without waiting for answers): their workers stop at the
    /// next row or band, and their answers are dropped.
    /// </summary>
    public void CancelAll()
    {
        int count;
        lock (_gate)
        {
            // Under the gate, like every Stop: a request's object is reused once it leaves the table (see Forget).
            _closing = true;
            count = _inFlight.Count;
            foreach (InFlight request in _inFlight.Values)
            {
                request.Stop(InFlight.StopReason.Disconnect);
            }
        }

        if (count > 0)
        {
            LogCancelledOnClose(_connectionId, count);
        }
    }

    /// <summary>Completes when nothing is in flight (every answer delivered or dropped).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_inFlight.Count == 0 && _delivering == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private ServerResponse? Dispatch(PooledPayload payload, ref bool submitted)
    {
        ReadOnlySpan<byte> bytes = payload.Memory.Span;
        if (!V2Messages.TryParseRequest(bytes, out V2RequestHead head, out string? malformed))
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, malformed!);
        }

        V2RequestOptions options;
        try
        {
            options = V2RequestOptions.Parse(bytes.Slice(head.OptionsStart, head.OptionsLength));
        }
        catch (V2FormatException e)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, e.Message);
        }

        if (V2RequestRules.Check(head, options, bytes.Length - head.BodyStart) is { } wrong)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, wrong);
        }

        switch ((V2Op)head.Op)
        {
            case V2Op.Ping:
                return Answered(WithHead(ServerResponse.Ok([]), head.Id, head.Op, V2AnswerFields.None), "ping", null);
            case V2Op.Cancel:
                return Cancel(head, bytes[head.BodyStart..]);
            default:
                return Submit(payload, head, options, ref submitted);
        }
    }

    private ServerResponse Cancel(V2RequestHead head, ReadOnlySpan<byte> body)
    {
        if (body.Length != 4)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"A cancel's body is the 4-byte id to cancel; this one has {body.Length} bytes.");
        }

        uint target = BinaryPrimitives.ReadUInt32BigEndian(body);
        bool cancelled;
        lock (_gate)
        {
            // Stopped under the gate: once the target's answer is taken its object may serve the next request (see
            // Forget), and a CANCEL that looked it up just before must not cancel that one.
            cancelled = _inFlight.TryGetValue(target, out InFlight? request) && request.Stop(InFlight.StopReason.Cancel);
        }

        LogCancel(_connectionId, target, cancelled);
        return Answered(WithHead(ServerResponse.Ok([]), head.Id, head.Op, new V2AnswerFields { Cancelled = cancelled }), "cancel", null);
    }

    private ServerResponse? Submit(PooledPayload payload, V2RequestHead head, V2RequestOptions o, ref bool submitted)
    {
        var op = (V2Op)head.Op;
        long maxPixels = Math.Min(_options.MaxPixels, (long)Math.Min(o.MaxPixels ?? ulong.MaxValue, long.MaxValue));
        IBilevelCodec codecFound = V2Codecs.Find(o.Codec ?? V2Codecs.Rle)!;
        string codec = codecFound.Name;
        bool ownIntake = op == V2Op.Compress && V2RequestRules.NeedsRequestIntake(o, _options.MaxPixels);
        if (ownIntake && _executor.Processor is not ImageCompressionProcessor)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, "This server runs a benchmark workload: COMPRESS takes no options here.");
        }

        // COMPRESS without intake options is v1's request: the server's own processor (and workload) answers it (null).
        IRequestProcessor? work = op switch
        {
            V2Op.Info => new V2InfoWork(_options.AllowedFormats),
            V2Op.Decompress => new V2DecompressWork(codecFound, o.Format ?? V2RequestOptions.OutputFormats[0], o.Invert, maxPixels),
            _ when !ownIntake => null,
            _ => V2CompressWork.For(o, (ImageCompressionProcessor)_executor.Processor, codecFound),
        };

        InFlight request;
        lock (_gate)
        {
            if (_closing)
            {
                return Error(head.Id, head.Op, ResponseStatus.Busy, "The connection is closing.");
            }

            if (_inFlight.ContainsKey(head.Id))
            {
                return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"Request id {head.Id} is already in flight on this connection.");
            }

            if (_inFlight.Count >= MaxInFlight)
            {
                LogInFlightCap(_connectionId, head.Id, MaxInFlight);
                _metrics.Busy(RleTcpMetrics.BusyReason.QueueFull);
                return Error(head.Id, head.Op, ResponseStatus.Busy,
                    $"This connection already has {MaxInFlight} requests in flight (the limit HELLO announced); retry when one is answered.");
            }

            request = _free.TryPop(out InFlight? free) ? free : new InFlight(this);
            request.Start(head.Id, head.Op, op is V2Op.Info ? null : codec, o.DeadlineMs is not null);
            _inFlight.Add(head.Id, request);
        }

        TimeSpan timeout = o.DeadlineMs is { } ms && ms < _options.RequestTimeout.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : _options.RequestTimeout;
        string timeoutMessage = o.DeadlineMs is not null && timeout < _options.RequestTimeout
            ? $"The request's deadline of {o.DeadlineMs} ms passed before its answer was ready."
            : _serverTimeoutMessage;

        // Inline continuations: the only one is the request's, which just queues it to the thread pool.
        if (!_executor.TrySubmit(
            payload, _source, head.BodyStart, work, timeout, request.Token, timeoutMessage, out Task<ServerResponse> answer, continueInline: true))
        {
            Forget(request);
            LogQueueFull(_connectionId, head.Id);
            _metrics.Busy(RleTcpMetrics.BusyReason.QueueFull);
            return Error(head.Id, head.Op, ResponseStatus.Busy, "The server's work queue is full; retry later.");
        }

        submitted = true;
        LogSubmitted(_connectionId, head.Id, OpName(head.Op), codec);

        // The request may be answered, and its object reused, from here on: it is not touched again.
        request.AwaitAnswer(answer);
        return null;
    }

    // The executor's task is complete (its answer, Timeout, Cancelled, or Busy at shutdown; it never faults).
    private void Finished(InFlight request, Task<ServerResponse> task)
    {
        ServerResponse answer = task.Result;

        // Read before Forget: the object then serves the next request.
        (uint id, byte op, string? codec, bool hasDeadline, InFlight.StopReason reason) =
            (request.Id, request.Op, request.Codec, request.HasDeadline, request.Reason);
        Forget(request, delivering: true);
        try
        {
            Deliver(answer, task, id, op, codec, hasDeadline, reason);
        }
        finally
        {
            // Only now may the session count as idle: a half-close's drain completes the writer's channel then.
            Delivered();
        }
    }

    private void Deliver(ServerResponse answer, Task<ServerResponse> task, uint id, byte op, string? codec, bool hasDeadline, InFlight.StopReason reason)
    {
        if (answer.V2Fields is null && answer.Status == ResponseStatus.Ok && op == (byte)V2Op.Compress)
        {
            WithRleHead(answer, id, op, codec!);
        }
        else
        {
            WithHead(answer, id, op, answer.V2Fields ?? V2AnswerFields.None);
        }

        string? stopped = answer.Status switch
        {
            ResponseStatus.Cancelled => reason == InFlight.StopReason.Disconnect ? "disconnect" : "cancel",
            ResponseStatus.Timeout when hasDeadline => "deadline",
            _ => null,
        };
        if (stopped is not null)
        {
            _metrics.V2Stopped(stopped);
        }

        Answered(answer, OpName(op), codec);
        LogFinished(_connectionId, id, OpName(op), answer.Status);

        // The executor's own task goes to the writer: it is complete, and holds this answer.
        if (reason == InFlight.StopReason.Disconnect || !_deliver(task))
        {
            answer.Dispose();
        }
    }

    // The request leaves the table (its id is free again) and its object goes back for reuse: no Stop can reach it
    // after this (every Stop runs under the gate on a request found in the table), and its answer was already taken.
    // With delivering, its answer is still to be handed to the writer, and the session is not idle until Delivered.
    private void Forget(InFlight request, bool delivering = false)
    {
        TaskCompletionSource? idle;
        lock (_gate)
        {
            if (_inFlight.TryGetValue(request.Id, out InFlight? current) && ReferenceEquals(current, request))
            {
                _inFlight.Remove(request.Id);
                request.Reset();
                _free.Push(request);
            }

            if (delivering)
            {
                _delivering++;
            }

            idle = TakeIdleWaiter();
        }

        idle?.TrySetResult();
    }

    private void Delivered()
    {
        TaskCompletionSource? idle;
        lock (_gate)
        {
            _delivering--;
            idle = TakeIdleWaiter();
        }

        idle?.TrySetResult();
    }

    // Under _gate: the waiter of WhenIdleAsync, once nothing is in flight or on its way to the writer.
    private TaskCompletionSource? TakeIdleWaiter()
    {
        if (_inFlight.Count != 0 || _delivering != 0)
        {
            return null;
        }

        TaskCompletionSource? idle = _idle;
        _idle = null;
        return idle;
    }
}
