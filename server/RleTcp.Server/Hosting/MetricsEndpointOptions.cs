using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// The optional HTTP side port, bound from the configuration section <see cref="SectionName"/>
/// (<c>RleTcp:Metrics:Port</c>, <c>RLETCP_METRICS__PORT</c>, <c>--metrics-port</c>). It serves <c>/metrics</c> in the
/// Prometheus text format and <c>/healthz</c> (200 once the TCP listener is bound, 503 while starting, draining or
/// stopping). Off unless a port is set.
/// </summary>
public sealed class MetricsEndpointOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = RleTcpServerOptions.SectionName + ":Metrics";

    /// <summary>
    /// The HTTP port for <c>/metrics</c> and <c>/healthz</c>; null (the default) turns the side port off. 0 picks a free
    /// port at start (see <see cref="HealthEndpoint.Port"/>); meant for tests, as the pick can race another process.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// The address to serve on: an IP literal or <c>localhost</c>. Default 127.0.0.1; <c>0.0.0.0</c> or <c>::</c> serve
    /// on every interface (needed for a Kubernetes probe or a Prometheus server on another host).
    /// </summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Whether the side port is on.</summary>
    public bool Enabled => Port is not null;
}
