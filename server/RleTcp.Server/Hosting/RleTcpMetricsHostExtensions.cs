using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Hosting;

/// <summary>
/// Registers the server's meter (<see cref="RleTcpMetrics"/>) and, when <see cref="MetricsEndpointOptions.Port"/> is
/// set, the HTTP side port: OpenTelemetry's Prometheus exporter on <c>/metrics</c> and <see cref="HealthEndpoint"/> on
/// <c>/healthz</c>.
/// </summary>
/// <remarks>
/// The exporter is OpenTelemetry.Exporter.Prometheus.HttpListener, a prerelease (1.20.1-beta.1, pinned): it is the
/// OpenTelemetry project's own Prometheus serializer and needs no web framework in the server. Its MeterProvider
/// listens to meters by name across the whole process, so a view drops instruments of any other host's meter of the
/// same name (several test servers in one process); each server then exports exactly its own counts.
/// </remarks>
public static class RleTcpMetricsHostExtensions
{
    /// <summary>Adds the meter, and the side port when configured. Called by <see cref="RleTcpServerHostExtensions.AddRleTcpServer"/>.</summary>
    public static IHostApplicationBuilder AddRleTcpMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddMetrics();
        services.AddSingleton<RleTcpMetrics>();

        services.AddOptions<MetricsEndpointOptions>()
            .Bind(builder.Configuration.GetSection(MetricsEndpointOptions.SectionName))
            .PostConfigure(o =>
            {
                if (o.Port == 0)
                {
                    o.Port = PickFreePort(o);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsEndpointOptions>, MetricsEndpointOptionsValidator>();

        // Decided from configuration now, as services cannot be added once the host is built.
        var configured = new MetricsEndpointOptions();
        builder.Configuration.GetSection(MetricsEndpointOptions.SectionName).Bind(configured);
        if (!configured.Enabled)
        {
            return builder;
        }

        services.AddSingleton<HealthEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthEndpoint>());
        services.AddOptions<PrometheusHttpListenerOptions>().Configure<IOptions<MetricsEndpointOptions>>((prometheus, side) =>
        {
            string prefix = HealthEndpoint.Prefix(side.Value, "/metrics/");
            prometheus.ScrapeEndpointPath = "/metrics";

            // The exporter builds its prefix from a host name, which cannot be the wildcard; set it here instead.
            prometheus.ConfigureHttpListener = (_, listener) =>
            {
                listener.Prefixes.Clear();
                listener.Prefixes.Add(prefix);
            };
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("rletcp-server"))
            .WithMetrics(metrics => metrics
                .AddMeter(RleTcpMetrics.MeterName)
                .AddPrometheusHttpListener());
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            IMeterFactory own = sp.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });
        return builder;
    }

    // Port 0: ask the kernel for a free port and release it for the HttpListener (which cannot bind port 0 itself).
    private static int PickFreePort(MetricsEndpointOptions options)
    {
        IPAddress address = BindAddress.TryParse(options.Bind, out IPAddress parsed) ? parsed : IPAddress.Loopback;
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
