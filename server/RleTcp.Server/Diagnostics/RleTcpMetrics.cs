using System.Diagnostics;
using System.Diagnostics.Metrics;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Diagnostics;

/// <summary>
/// The server's <see cref="System.Diagnostics.Metrics"/> instruments, in the meter <see cref="MeterName"/> created
/// through the host's <see cref="IMeterFactory"/> (so each host, e.g. each test server, has its own). They are read by
/// <c>dotnet-counters monitor --counters RleTcp.Server</c>, by OpenTelemetry, and by the optional Prometheus side port
/// (<c>MetricsEndpointOptions</c> in Hosting).
/// </summary>
/// <remarks>
/// Recording is cheap when nobody listens (an instrument without listeners returns at once), so the hot paths call
/// these methods unconditionally. Tag values are preallocated: recording never allocates. The meter belongs to the
/// factory, which disposes it with the host.
/// </remarks>
public sealed class RleTcpMetrics : IDecodeSandboxMonitor
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RleTcp.Server";

    /// <summary>Answers to image requests, tagged <see cref="StatusTag"/> (pings are counted apart).</summary>
    public const string RequestsName = "rletcp.server.requests";

    /// <summary>Answers to pings (frames of length 0), e.g. a load balancer's health check.</summary>
    public const string PingsName = "rletcp.server.pings";

    /// <summary>Seconds a worker spent on a request (decode, convert, encode), tagged <see cref="StatusTag"/>.</summary>
    public const string RequestDurationName = "rletcp.server.request.duration";

    /// <summary>Seconds a request waited in the executor's queue before a worker took it.</summary>
    public const string QueueWaitName = "rletcp.server.queue.wait";

    /// <summary>Protocol bytes read from clients (frame headers and payloads).</summary>
    public const string BytesReceivedName = "rletcp.server.bytes.received";

    /// <summary>Protocol bytes of answers written to clients.</summary>
    public const string BytesSentName = "rletcp.server.bytes.sent";

    /// <summary>Open connections.</summary>
    public const string ActiveConnectionsName = "rletcp.server.connections.active";

    /// <summary>Requests waiting for a worker now.</summary>
    public const string QueueDepthName = "rletcp.server.queue.depth";

    /// <summary>Requests and connections answered Busy, tagged <see cref="BusyReasonTag"/>.</summary>
    public const string BusyRejectionsName = "rletcp.server.busy.rejections";

    /// <summary>The fraction of executor workers busy now (0 to 1).</summary>
    public const string UtilizationName = "rletcp.server.executor.utilization";

    /// <summary>Decode worker processes started, tagged <see cref="SandboxReplacementTag"/> (true: in place of one that ended).</summary>
    public const string SandboxStartsName = "rletcp.server.sandbox.starts";

    /// <summary>Decode worker processes that ended, tagged <see cref="SandboxEndTag"/>: <c>deadline</c> (killed), <c>crashed</c>, <c>memory_cap</c>, <c>shutdown</c>.</summary>
    public const string SandboxEndsName = "rletcp.server.sandbox.ends";

    /// <summary>Decode worker processes alive now.</summary>
    public const string SandboxProcessesName = "rletcp.server.sandbox.processes";

    /// <summary>The tag saying why a decode worker ended.</summary>
    public const string SandboxEndTag = "rletcp.sandbox.end";

    /// <summary>The tag saying whether a started decode worker replaces one that ended.</summary>
    public const string SandboxReplacementTag = "rletcp.sandbox.replacement";

    /// <summary>Protocol v2 answers, tagged <see cref="OpTag"/>, <see cref="CodecTag"/> (COMPRESS and DECOMPRESS) and <see cref="StatusTag"/>.</summary>
    public const string V2RequestsName = "rletcp.server.v2.requests";

    /// <summary>Protocol v2 requests stopped before their answer, tagged <see cref="StopReasonTag"/>: <c>cancel</c>, <c>deadline</c> or <c>disconnect</c>.</summary>
    public const string V2StoppedName = "rletcp.server.v2.stopped";

    /// <summary>Connections that negotiated protocol v2.</summary>
    public const string V2ConnectionsName = "rletcp.server.v2.connections";

    /// <summary>The tag carrying a v2 op name, e.g. <c>compress</c>.</summary>
    public const string OpTag = "rletcp.op";

    /// <summary>The tag carrying a codec name, e.g. <c>rle</c>.</summary>
    public const string CodecTag = "rletcp.codec";

    /// <summary>The tag saying why a v2 request stopped early.</summary>
    public const string StopReasonTag = "rletcp.stop.reason";

    /// <summary>The tag carrying the <see cref="ResponseStatus"/> name, e.g. <c>Ok</c>, <c>InvalidImage</c>.</summary>
    public const string StatusTag = "rletcp.status";

    /// <summary>The tag naming the listener a request or connection came in on: <c>main</c> or <c>textbook</c>.</summary>
    public const string ListenerTag = "rletcp.listener";

    /// <summary>The tag saying why a request was answered Busy: <c>queue_full</c>, <c>buffer_budget</c>,
    /// <c>connection_limit</c>, <c>decode_budget</c> or <c>answer_budget</c>.</summary>
    public const string BusyReasonTag = "rletcp.busy.reason";

    // Buckets for the histograms, in seconds: a small image takes well under a millisecond, a 100 Mpx one seconds.
    private static readonly double[] SecondsBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly KeyValuePair<string, object?>[] StatusTags = Enumerable.Range(0, 256)
        .Select(s => new KeyValuePair<string, object?>(
            StatusTag, Enum.IsDefined((ResponseStatus)s) ? ((ResponseStatus)s).ToString() : s.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        .ToArray();

    private static readonly KeyValuePair<string, object?>[] ListenerTags =
    [
        new(ListenerTag, "main"),
        new(ListenerTag, "textbook"),
    ];

    private static readonly KeyValuePair<string, object?>[] BusyTags =
    [
        new(BusyReasonTag, "queue_full"),
        new(BusyReasonTag, "buffer_budget"),
        new(BusyReasonTag, "connection_limit"),
        new(BusyReasonTag, "decode_budget"),
        new(BusyReasonTag, "answer_budget"),
    ];

    private static readonly KeyValuePair<string, object?>[] SandboxEndTags =
    [
        new(SandboxEndTag, "deadline"),
        new(SandboxEndTag, "crashed"),
        new(SandboxEndTag, "memory_cap"),
        new(SandboxEndTag, "shutdown"),
    ];

    private static readonly KeyValuePair<string, object?> ReplacementTag = new(SandboxReplacementTag, true);
    private static readonly KeyValuePair<string, object?> FirstStartTag = new(SandboxReplacementTag, false);

    private readonly Meter _meter;
    private readonly Counter<long> _sandboxStarts;
    private readonly Counter<long> _sandboxEnds;
    private readonly UpDownCounter<long> _sandboxProcesses;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _pings;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _busy;
    private readonly Counter<long> _v2Requests;
    private readonly Counter<long> _v2Stopped;
    private readonly Counter<long> _v2Connections;
    private IExecutorLoad? _executor;

    /// <summary>Creates the meter and its instruments.</summary>
    public RleTcpMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(new MeterOptions(MeterName) { Version = typeof(RleTcpMetrics).Assembly.GetName().Version?.ToString() });
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };

        _requests = _meter.CreateCounter<long>(RequestsName, "{request}", "Answers to image requests, by status.");
        _pings = _meter.CreateCounter<long>(PingsName, "{request}", "Answers to pings (frames of length 0).");
        _duration = _meter.CreateHistogram(RequestDurationName, "s", "Time a worker spent on a request, by status.", tags: null, advice: seconds);
        _queueWait = _meter.CreateHistogram(QueueWaitName, "s", "Time a request waited for a worker.", tags: null, advice: seconds);
        _bytesReceived = _meter.CreateCounter<long>(BytesReceivedName, "By", "Protocol bytes read from clients.");
        _bytesSent = _meter.CreateCounter<long>(BytesSentName, "By", "Protocol bytes of answers written to clients.");
        _connections = _meter.CreateUpDownCounter<long>(ActiveConnectionsName, "{connection}", "Open connections.");
        _busy = _meter.CreateCounter<long>(BusyRejectionsName, "{request}", "Requests and connections answered Busy, by reason.");
        _sandboxStarts = _meter.CreateCounter<long>(SandboxStartsName, "{process}", "Decode worker processes started.");
        _sandboxEnds = _meter.CreateCounter<long>(SandboxEndsName, "{process}", "Decode worker processes that ended, by reason.");
        _sandboxProcesses = _meter.CreateUpDownCounter<long>(SandboxProcessesName, "{process}", "Decode worker processes alive.");
        _v2Requests = _meter.CreateCounter<long>(V2RequestsName, "{request}", "Protocol v2 answers, by op, codec and status.");
        _v2Stopped = _meter.CreateCounter<long>(V2StoppedName, "{request}", "Protocol v2 requests stopped early, by reason (cancel, deadline, disconnect).");
        _v2Connections = _meter.CreateCounter<long>(V2ConnectionsName, "{connection}", "Connections that negotiated protocol v2.");
        _meter.CreateObservableUpDownCounter(QueueDepthName, () => _executor?.QueuedCount ?? 0, "{request}", "Requests waiting for a worker.");
        _meter.CreateObservableGauge(UtilizationName, ObserveUtilization, "1", "Fraction of executor workers busy.");
    }

    /// <summary>Why a request or connection was answered Busy.</summary>
    internal enum BusyReason
    {
        QueueFull = 0,
        BufferBudget = 1,
        ConnectionLimit = 2,
        DecodeBudget = 3,
        AnswerBudget = 4,
    }

    /// <summary>The meter (for tests and for exporters that want the instance rather than the name).</summary>
    public Meter Meter => _meter;

    /// <summary>Connects the observable instruments to the executor (called by the executor, which sits above this).</summary>
    internal void Observe(IExecutorLoad executor) => _executor = executor;

    /// <summary>
    /// An answer has been written (or, on the textbook port, a refusal closed its connection): counts it by status and
    /// listener (or as a ping) and the protocol bytes that went out for it.
    /// </summary>
    internal void Answered(ResponseStatus status, long bytesSent, bool ping, ListenerKind listener = ListenerKind.Main)
    {
        if (ping)
        {
            _pings.Add(1);
        }
        else
        {
            _requests.Add(1, StatusTags[(byte)status], ListenerTags[(int)listener]);
        }

        if (bytesSent > 0)
        {
            _bytesSent.Add(bytesSent);
        }
    }

    /// <summary>A v2 answer was written for <paramref name="op"/> (a constant name) with <paramref name="codec"/> (null when none applies).</summary>
    internal void V2Answered(string op, string? codec, ResponseStatus status)
    {
        // A TagList of three tags lives on the stack: recording does not allocate.
        var tags = new TagList { { OpTag, op }, { CodecTag, codec ?? "none" }, StatusTags[(byte)status] };
        _v2Requests.Add(1, tags);
    }

    /// <summary>A v2 request stopped before its answer: <paramref name="reason"/> is cancel, deadline or disconnect.</summary>
    internal void V2Stopped(string reason) => _v2Stopped.Add(1, new KeyValuePair<string, object?>(StopReasonTag, reason));

    /// <summary>A connection negotiated protocol v2.</summary>
    internal void V2Negotiated() => _v2Connections.Add(1);

    /// <summary>Protocol bytes consumed from a connection.</summary>
    internal void Received(long bytes)
    {
        if (bytes > 0)
        {
            _bytesReceived.Add(bytes);
        }
    }

    /// <summary>A connection opened (+1) or closed (-1).</summary>
    internal void ConnectionsChanged(int delta, ListenerKind listener = ListenerKind.Main) =>
        _connections.Add(delta, ListenerTags[(int)listener]);

    /// <summary>A request or connection was answered Busy.</summary>
    internal void Busy(BusyReason reason, ListenerKind listener = ListenerKind.Main) =>
        _busy.Add(1, BusyTags[(int)reason], ListenerTags[(int)listener]);

    /// <summary>A worker took a request queued at <paramref name="enqueuedTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal void Dequeued(long enqueuedTimestamp) =>
        _queueWait.Record(Stopwatch.GetElapsedTime(enqueuedTimestamp).TotalSeconds);

    /// <summary>A worker finished a request it started at <paramref name="startedTimestamp"/>.</summary>
    internal void Processed(long startedTimestamp, ResponseStatus status) =>
        _duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, StatusTags[(byte)status]);

    /// <inheritdoc/>
    void IDecodeSandboxMonitor.WorkerStarted(bool replacement)
    {
        _sandboxStarts.Add(1, replacement ? ReplacementTag : FirstStartTag);
        _sandboxProcesses.Add(1);
    }

    /// <inheritdoc/>
    void IDecodeSandboxMonitor.WorkerEnded(DecodeWorkerEnd reason)
    {
        _sandboxEnds.Add(1, SandboxEndTags[(int)reason]);
        _sandboxProcesses.Add(-1);
    }

    private double ObserveUtilization()
    {
        IExecutorLoad? executor = _executor;
        return executor is null || executor.Workers == 0 ? 0 : (double)executor.BusyWorkers / executor.Workers;
    }
}
