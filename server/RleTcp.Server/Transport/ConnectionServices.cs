using Microsoft.Extensions.Logging;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// What every connection of one listener shares, handed in once by the listener (Kestrel's ServiceContext): the
/// options, the executor that answers requests, the request byte budget, the instruments, the clock, the logger, and
/// which listener it is (the main port's protocol v1, or the textbook wire).
/// </summary>
internal sealed record ConnectionServices(
    RleTcpServerOptions Options,
    RequestExecutor Executor,
    BufferedBytesBudget Budget,
    RleTcpMetrics Metrics,
    TimeProvider Time,
    ILogger Logger,
    ListenerKind Listener = ListenerKind.Main)
{
    /// <summary>Whether connections speak the textbook wire (one request, bare answer, close) instead of protocol v1.</summary>
    public bool IsTextbook => Listener == ListenerKind.Textbook;

    /// <summary><paramref name="span"/> in <see cref="Time"/>'s timestamp units (for deadline arithmetic).</summary>
    public long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Time.TimestampFrequency);
}
