using System.Buffers.Binary;
using System.Reflection;
using Microsoft.Extensions.Logging;
using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Rle;
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
    private static readonly string ServerVersion =
        "RleTcp/" + (typeof(V2Session).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private static readonly string[] OpNames = ["hello", "compress", "info", "decompress", "cancel", "ping"];

    private readonly long _connectionId;
    private readonly RleTcpServerOptions _options;
    private readonly RequestExecutor _executor;
    private readonly RequestSource _source;
    private readonly RleTcpMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<ServerResponse, bool> _deliver;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, InFlight> _inFlight = [];
    private TaskCompletionSource? _idle;
    private bool _closing;

    /// <param name="connectionId">For logs.</param>
    /// <param name="options">The operator's limits and defaults.</param>
    /// <param name="executor">Where the work runs.</param>
    /// <param name="source">The connection's place in the executor (its turn and its answer share).</param>
    /// <param name="metrics">The server's instruments.</param>
    /// <param name="logger">The connection's logger.</param>
    /// <param name="deliver">Queues a finished answer for the writer without waiting; false when the connection is gone (the answer is then disposed here).</param>
    public V2Session(
        long connectionId, RleTcpServerOptions options, RequestExecutor executor, RequestSource source, RleTcpMetrics metrics, ILogger logger, Func<ServerResponse, bool> deliver)
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
    }

    /// <summary>Requests processed at once at most; announced in HELLO.</summary>
    public int MaxInFlight { get; }

    /// <summary>Requests being processed now.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>What HELLO announces, from the operator's options.</summary>
    public V2ServerInfo ServerInfo => new()
    {
        ProtocolVersion = V2Wire.Version,
        ServerVersion = ServerVersion,
        MaxFrameBytes = (ulong)_options.MaxFrameBytes,
        MaxPixels = (ulong)_options.MaxPixels,
        MaxInFlight = (uint)MaxInFlight,
        RequestTimeoutMs = (uint)Math.Min(uint.MaxValue, _options.RequestTimeout.TotalMilliseconds),
        Ops = OpNames,
        Options = V2RequestOptions.Names,
        Codecs = V2Codecs.Names,
        Formats = V2RequestOptions.OutputFormats,
        Filters = V2RequestOptions.Filters,
    };

    /// <summary>The answer to the HELLO that opened the connection.</summary>
    public ServerResponse Hello()
    {
        _metrics.V2Negotiated();
        LogNegotiated(_connectionId, MaxInFlight);
        return WithHead(ServerResponse.Ok([]), 0, (byte)V2Op.Hello, new V2AnswerFields { Server = ServerInfo });
    }

    /// <summary>Waits for room for one more answer (the client is reading too slowly otherwise).</summary>
    public Task AcquireSlotAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>An answer left for the socket: its room is free again.</summary>
    public void ReleaseSlot() => _slots.Release();

    /// <summary>
    /// Gives an answer that belongs to no request (FrameTooLarge, a frame Timeout before closing) the v2 head: id 0,
    /// op 0xFF.
    /// </summary>
    public static ServerResponse ConnectionLevel(ServerResponse answer) => WithHead(answer, 0, 0xFF, V2AnswerFields.None);

    /// <summary>The Busy answer to a frame dropped for the buffer budget; <paramref name="head"/> is its first bytes.</summary>
    public ServerResponse OverBudget(ReadOnlySpan<byte> head)
    {
        V2Messages.TryParseRequest(head, out V2RequestHead h, out _);
        return Error(h.Id, h.Op, ResponseStatus.Busy, "The server is holding as many request bytes as it allows; retry later.");
    }

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

    /// <summary>The answer to an empty frame: v2 requests have a head.</summary>
    public ServerResponse EmptyFrame() =>
        Error(0, 0, ResponseStatus.BadRequest, "An empty frame is not a v2 request (a v2 PING is op 5 with a 7-byte head).");

    /// <summary>
    /// Stops every request in flight (the connection is closing without waiting for answers): their workers stop at the
    /// next row or band, and their answers are dropped.
    /// </summary>
    public void CancelAll()
    {
        InFlight[] all;
        lock (_gate)
        {
            _closing = true;
            all = [.. _inFlight.Values];
        }

        foreach (InFlight request in all)
        {
            request.Stop(InFlight.StopReason.Disconnect);
        }

        if (all.Length > 0)
        {
            LogCancelledOnClose(_connectionId, all.Length);
        }
    }

    /// <summary>Completes when nothing is in flight (every answer delivered or dropped).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_inFlight.Count == 0)
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

        int body = bytes.Length - head.BodyStart;
        switch ((V2Op)head.Op)
        {
            case V2Op.Ping:
                return Applicable(head, options, body, allowBody: false, Allowed.None)
                    ?? Answered(WithHead(ServerResponse.Ok([]), head.Id, head.Op, V2AnswerFields.None), "ping", null);
            case V2Op.Cancel:
                return Applicable(head, options, body, allowBody: true, Allowed.None) ?? Cancel(head, bytes[head.BodyStart..]);
            case V2Op.Compress:
                return Applicable(head, options, body, allowBody: true, Allowed.Compress) ?? Submit(payload, head, options, ref submitted);
            case V2Op.Info:
                return Applicable(head, options, body, allowBody: true, Allowed.Info) ?? Submit(payload, head, options, ref submitted);
            case V2Op.Decompress:
                return Applicable(head, options, body, allowBody: true, Allowed.Decompress) ?? Submit(payload, head, options, ref submitted);
            default:
                return Error(head.Id, head.Op, ResponseStatus.BadRequest,
                    $"Unknown op {head.Op}; this server knows compress (1), info (2), decompress (3), cancel (4), ping (5).");
        }
    }

    [Flags]
    private enum Allowed
    {
        None = 0,
        Conversion = 1,
        Page = 2,
        Resize = 4,
        Codec = 8,
        Deadline = 16,
        MaxPixels = 32,
        Format = 64,
        Invert = 128,
        Compress = Conversion | Page | Resize | Codec | Deadline | MaxPixels | Invert,
        Info = Deadline,
        Decompress = Codec | Deadline | MaxPixels | Format | Invert,
    }

    // A request may only carry the options its op uses: an option the server would ignore is the client's mistake.
    private ServerResponse? Applicable(V2RequestHead head, V2RequestOptions o, int bodyLength, bool allowBody, Allowed allowed)
    {
        string? wrong =
            (o.Conversion is not null || o.ThresholdLevel is not null) && !allowed.HasFlag(Allowed.Conversion) ? "conversion/threshold"
            : o.Invert && !allowed.HasFlag(Allowed.Invert) ? "invert"
            : o.Page is not null && !allowed.HasFlag(Allowed.Page) ? "page"
            : (o.Width is not null || o.Height is not null || o.Filter is not null) && !allowed.HasFlag(Allowed.Resize) ? "width/height/filter"
            : o.Codec is not null && !allowed.HasFlag(Allowed.Codec) ? "codec"
            : o.DeadlineMs is not null && !allowed.HasFlag(Allowed.Deadline) ? "deadline-ms"
            : o.MaxPixels is not null && !allowed.HasFlag(Allowed.MaxPixels) ? "max-pixels"
            : o.Format is not null && !allowed.HasFlag(Allowed.Format) ? "format"
            : null;
        string op = OpName(head.Op);
        if (wrong is not null)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"The option {wrong} does not apply to {op}.");
        }

        if (!allowBody && bodyLength != 0)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"A {op} request has no body; this one has {bodyLength} bytes.");
        }

        if (o.Codec is { } codec && V2Codecs.Find(codec) is null)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"Unknown codec '{codec}'; this server has {string.Join(", ", V2Codecs.Names)}.");
        }

        if (o.Filter is not null && o.Width is null && o.Height is null)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, "A resize filter was given without a width or height.");
        }

        return null;
    }

    private ServerResponse Cancel(V2RequestHead head, ReadOnlySpan<byte> body)
    {
        if (body.Length != 4)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, $"A cancel's body is the 4-byte id to cancel; this one has {body.Length} bytes.");
        }

        uint target = BinaryPrimitives.ReadUInt32BigEndian(body);
        InFlight? request;
        lock (_gate)
        {
            _inFlight.TryGetValue(target, out request);
        }

        bool cancelled = request?.Stop(InFlight.StopReason.Cancel) ?? false;
        LogCancel(_connectionId, target, cancelled);
        return Answered(WithHead(ServerResponse.Ok([]), head.Id, head.Op, new V2AnswerFields { Cancelled = cancelled }), "cancel", null);
    }

    private ServerResponse? Submit(PooledPayload payload, V2RequestHead head, V2RequestOptions o, ref bool submitted)
    {
        var op = (V2Op)head.Op;
        long maxPixels = Math.Min(_options.MaxPixels, (long)Math.Min(o.MaxPixels ?? ulong.MaxValue, long.MaxValue));
        IBilevelCodec codecFound = V2Codecs.Find(o.Codec ?? V2Codecs.Rle)!;
        string codec = codecFound.Name;
        if (op == V2Op.Compress && NeedsRequestIntake(o) && _executor.Processor is not ImageCompressionProcessor)
        {
            return Error(head.Id, head.Op, ResponseStatus.BadRequest, "This server runs a benchmark workload: COMPRESS takes no options here.");
        }

        // COMPRESS without intake options is v1's request: the server's own processor (and workload) answers it.
        IRequestProcessor? work = op switch
        {
            V2Op.Info => new V2InfoWork(head.Id, _options.AllowedFormats),
            V2Op.Decompress => new V2DecompressWork(head.Id, codecFound, o.Format ?? V2RequestOptions.OutputFormats[0], o.Invert, maxPixels),
            _ when !NeedsRequestIntake(o) => null,
            _ => new V2CompressWork(
                head.Id,
                (ImageCompressionProcessor)_executor.Processor,
                new IntakeOptions
                {
                    MaxPixels = maxPixels,
                    AllowedFormats = _options.AllowedFormats,
                    Mode = o.Conversion is null && o.ThresholdLevel is null
                        ? _options.Conversion
                        : o.EffectiveConversion == V2Conversion.Threshold ? ConversionMode.Threshold : ConversionMode.Pillow,
                    ThresholdLevel = o.ThresholdLevel ?? 128,
                },
                new ConversionRequest
                {
                    Page = (int)Math.Min(o.Page ?? 0, int.MaxValue),
                    Width = o.Width,
                    Height = o.Height,
                    Filter = o.Filter ?? "bicubic",
                    Invert = o.Invert,
                },
                codecFound,
                _options.BandPixels),
        };

        var request = new InFlight(this, head.Id, head.Op, op is V2Op.Info ? null : codec, o.DeadlineMs is not null);
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

            _inFlight.Add(head.Id, request);
        }

        TimeSpan timeout = o.DeadlineMs is { } ms && ms < _options.RequestTimeout.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : _options.RequestTimeout;
        string timeoutMessage = o.DeadlineMs is not null && timeout < _options.RequestTimeout
            ? $"The request's deadline of {o.DeadlineMs} ms passed before its answer was ready."
            : $"The request was not processed within the server's time limit of {_options.RequestTimeout.TotalMilliseconds:0} ms.";
        if (!_executor.TrySubmit(payload, _source, head.BodyStart, work, timeout, request.Token, timeoutMessage, out Task<ServerResponse> answer))
        {
            Forget(request);
            LogQueueFull(_connectionId, head.Id);
            _metrics.Busy(RleTcpMetrics.BusyReason.QueueFull);
            return Error(head.Id, head.Op, ResponseStatus.Busy, "The server's work queue is full; retry later.");
        }

        submitted = true;
        LogSubmitted(_connectionId, head.Id, OpName(head.Op), codec);
        answer.ContinueWith(
            static (t, state) => ((InFlight)state!).Finished(t.Result),
            request,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
        return null;
    }

    private void Finished(InFlight request, ServerResponse answer)
    {
        Forget(request);
        if (answer.V2Head is null)
        {
            WithHead(answer, request.Id, request.Op, answer.Status == ResponseStatus.Ok && request.Op == (byte)V2Op.Compress
                ? RleFields(answer, request.Codec!)
                : V2AnswerFields.None);
        }

        string? stopped = answer.Status switch
        {
            ResponseStatus.Cancelled => request.Reason == InFlight.StopReason.Disconnect ? "disconnect" : "cancel",
            ResponseStatus.Timeout when request.HasDeadline => "deadline",
            _ => null,
        };
        if (stopped is not null)
        {
            _metrics.V2Stopped(stopped);
        }

        Answered(answer, OpName(request.Op), request.Codec);
        LogFinished(_connectionId, request.Id, OpName(request.Op), answer.Status);
        if (request.Reason == InFlight.StopReason.Disconnect || !_deliver(answer))
        {
            answer.Dispose();
        }
    }

    // A COMPRESS the server's processor answered: width and height come from the RLE header it starts with.
    private static V2AnswerFields RleFields(ServerResponse answer, string codec) =>
        answer.BodySegmentCount > 0 && RleDecoder.TryReadHeader(answer.GetBodySegment(0).Span, out int width, out int height)
            ? new V2AnswerFields { Width = (uint)width, Height = (uint)height, Codec = codec }
            : new V2AnswerFields { Codec = codec };

    // Whether a COMPRESS asks for more than the server's own intake does.
    private bool NeedsRequestIntake(V2RequestOptions o) =>
        o.Conversion is not null || o.ThresholdLevel is not null || o.Invert || o.Page is > 0 || o.Width is not null
        || o.Height is not null || o.MaxPixels is { } pixels && pixels < (ulong)_options.MaxPixels
        || o.Codec is { } codec && !string.Equals(codec, V2Codecs.Rle, StringComparison.OrdinalIgnoreCase);

    private void Forget(InFlight request)
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (_inFlight.TryGetValue(request.Id, out InFlight? current) && ReferenceEquals(current, request))
            {
                _inFlight.Remove(request.Id);
            }

            if (_inFlight.Count == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        // The cancel source is not disposed: it has no timer or wait handle, and a CANCEL racing the answer may still
        // be calling Cancel on it.
        idle?.TrySetResult();
    }

    private ServerResponse Answered(ServerResponse answer, string op, string? codec)
    {
        _metrics.V2Answered(op, codec, answer.Status);
        return answer;
    }

    private ServerResponse Error(uint id, byte op, ResponseStatus status, string message)
    {
        if (status == ResponseStatus.BadRequest)
        {
            LogBadRequest(_connectionId, id, op, message);
        }

        return Answered(WithHead(ServerResponse.Error(status, message), id, op, V2AnswerFields.None), OpName(op), null);
    }

    private static ServerResponse WithHead(ServerResponse answer, uint id, byte op, V2AnswerFields fields)
    {
        answer.V2Head = V2Messages.BuildAnswerHead(id, op, fields);
        return answer;
    }

    private static string OpName(byte op) => op < OpNames.Length ? OpNames[op] : "unknown";

    /// <summary>A request between its submission and its answer: its id, and the source that cancels it.</summary>
    private sealed class InFlight(V2Session session, uint id, byte op, string? codec, bool hasDeadline)
    {
        private readonly CancellationTokenSource _cancel = new();
        private int _reason;

        public enum StopReason
        {
            None,
            Cancel,
            Disconnect,
        }

        public uint Id => id;

        public byte Op => op;

        public string? Codec => codec;

        public bool HasDeadline => hasDeadline;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public CancellationToken Token => _cancel.Token;

        /// <summary>Cancels the work once; false when it was already stopped or finished.</summary>
        public bool Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
            {
                return false;
            }

            _cancel.Cancel();
            return true;
        }

        public void Finished(ServerResponse answer) => session.Finished(this, answer);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} speaks protocol v2 ({MaxInFlight} in flight at most)")]
    private partial void LogNegotiated(long id, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {Op} with codec {Codec} submitted")]
    private partial void LogSubmitted(long id, uint requestId, string op, string codec);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {Op} answered {Status}")]
    private partial void LogFinished(long id, uint requestId, string op, ResponseStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId} (op {Op}): bad request: {Reason}")]
    private partial void LogBadRequest(long id, uint requestId, byte op, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2: cancel of request {Target}: {Found}")]
    private partial void LogCancel(long id, uint target, bool found);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {MaxInFlight} already in flight; Busy")]
    private partial void LogInFlightCap(long id, uint requestId, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: work queue full; Busy")]
    private partial void LogQueueFull(long id, uint requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2: {Count} requests in flight cancelled by the connection's end")]
    private partial void LogCancelledOnClose(long id, int count);
}
