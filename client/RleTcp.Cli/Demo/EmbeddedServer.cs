using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RleTcp.Server.Hosting;
using RleTcp.Server.Transport;

namespace RleTcp.Cli.Demo;

/// <summary>A real RleTcp server hosted in this process on an ephemeral 127.0.0.1 port, for <c>rletcp demo</c>.</summary>
internal sealed class EmbeddedServer : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedServer(IHost host, IPEndPoint endPoint)
    {
        _host = host;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<EmbeddedServer> StartAsync(CancellationToken cancellationToken)
    {
        // No defaults: the demo must not pick up appsettings.json, RLETCP_ variables or console logging of the shell it runs in.
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RleTcp:Bind"] = "127.0.0.1",
            ["RleTcp:Port"] = "0",
        });
        builder.AddRleTcpServer();
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new EmbeddedServer(host, host.Services.GetRequiredService<RleTcpListener>().LocalEndPoint);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        _host.Dispose();
    }
}
