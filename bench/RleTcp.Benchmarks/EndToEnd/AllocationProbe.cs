using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RleTcp.Server.Hosting;
using RleTcp.Server.Transport;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// Measures what the server allocates per request: the server is hosted in this process (the same
/// <see cref="RleTcpServerHostExtensions.AddRleTcpServer"/> registration the server executable uses) on an ephemeral
/// 127.0.0.1 port, the load comes from an <c>rletcp load</c> child process, and the GC's allocated-bytes counter
/// (<see cref="GC.GetTotalAllocatedBytes"/>, precise) is read before and after. This process does nothing else
/// meanwhile but wait for the child, so the difference is the server's.
/// </summary>
public sealed class AllocationProbe : IAsyncDisposable
{
    private readonly IHost _host;

    private AllocationProbe(IHost host, IPEndPoint endPoint)
    {
        _host = host;
        EndPoint = endPoint;
    }

    /// <summary>Where the in-process server listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Starts the in-process server with <paramref name="workers"/> executor threads and no log output, doing
    /// <paramref name="workload"/> (the server's default, compression, when null).
    /// </summary>
    public static async Task<AllocationProbe> StartAsync(int workers, CancellationToken ct, ServerWorkload? workload = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RleTcp:Bind"] = "127.0.0.1",
            ["RleTcp:Port"] = "0",
            ["RleTcp:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (workload is { } w)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RleTcp:Workload"] = w.ToString() });
        }

        builder.Logging.ClearProviders();
        builder.AddRleTcpServer();
        IHost host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        return new AllocationProbe(host, host.Services.GetRequiredService<RleTcpListener>().LocalEndPoint);
    }

    /// <summary>Runs <paramref name="load"/> against the server; returns its summary and the bytes allocated meanwhile.</summary>
    public static async Task<(LoadSummary Load, long AllocatedBytes)> MeasureAsync(Func<Task<LoadSummary>> load)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        LoadSummary summary = await load().ConfigureAwait(false);
        long after = GC.GetTotalAllocatedBytes(precise: true);
        return (summary, after - before);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        _host.Dispose();
    }
}
