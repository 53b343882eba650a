using System.Diagnostics;
using System.Diagnostics.Metrics;
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
public sealed class RleTcpMetrics
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

    /// <summary>The tag carrying the <see cref="ResponseStatus"/> name, e.g. <c>Ok</c>, <c>InvalidImage</c>.</summary>
    public const string StatusTag = "rletcp.status";

    /// <summary>The tag naming the listener a request or connection came in on: <c>main</c> or <c>textbook</c>.</summary>
    public const string ListenerTag = "rletcp.listener";

    /// <summary>The tag saying why a request was answered Busy: <c>queue_full</c>, <c>buffer_budget</c> or <c>connection_limit</c>.</summary>
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
    ];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _pings;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _busy;
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
        _meter.CreateObservableUpDownCounter(QueueDepthName, () => _executor?.QueuedCount ?? 0, "{request}", "Requests waiting for a worker.");
        _meter.CreateObservableGauge(UtilizationName, ObserveUtilization, "1", "Fraction of executor workers busy.");
    }

    /// <summary>Why a request or connection was answered Busy.</summary>
    internal enum BusyReason
    {
        QueueFull = 0,
        BufferBudget = 1,
        ConnectionLimit = 2,
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

    private double ObserveUtilization()
    {
        IExecutorLoad? executor = _executor;
        return executor is null || executor.Workers == 0 ? 0 : (double)executor.BusyWorkers / executor.Workers;
    }
}
