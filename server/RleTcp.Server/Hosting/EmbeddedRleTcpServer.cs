using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RleTcp.Server.Transport;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// A real RleTcp server hosted inside another process (the <c>rletcp demo</c>, benchmarks), on 127.0.0.1 and an
/// ephemeral port unless the settings say otherwise, registered exactly as the server executable registers it
/// (<see cref="RleTcpServerHostExtensions.AddRleTcpServer"/>).
/// </summary>
/// <remarks>
/// No host defaults: an embedded server must not pick up the <c>appsettings.json</c>, <c>RLETCP_</c> variables or
/// console logging of the process that embeds it; its configuration is exactly <c>settings</c>.
/// </remarks>
public sealed class EmbeddedRleTcpServer : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedRleTcpServer(IHost host)
    {
        _host = host;
        EndPoint = host.Services.GetRequiredService<RleTcpListener>().LocalEndPoint;
    }

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The host's services (listener, executor, options).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Builds and starts the server. <paramref name="settings"/> are configuration keys on top of
    /// <c>RleTcp:Bind = 127.0.0.1</c> and <c>RleTcp:Port = 0</c>, e.g. <c>["RleTcp:Workers"] = "1"</c>;
    /// <paramref name="logging"/> configures logging (none by default).
    /// </summary>
    public static async Task<EmbeddedRleTcpServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{RleTcpServerOptions.SectionName}:Bind"] = "127.0.0.1",
            [$"{RleTcpServerOptions.SectionName}:Port"] = "0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.AddRleTcpServer();
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return new EmbeddedRleTcpServer(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops gracefully (in-flight requests are answered within the drain timeout), then disposes the host.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
