using System.Net;
using RleTcp.Server.Hosting;
using RleTcp.Server.Configuration;

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
    private readonly EmbeddedRleTcpServer _server;

    private AllocationProbe(EmbeddedRleTcpServer server) => _server = server;

    /// <summary>Where the in-process server listens.</summary>
    public IPEndPoint EndPoint => _server.EndPoint;

    /// <summary>
    /// Starts the in-process server with <paramref name="workers"/> executor threads and no log output, doing
    /// <paramref name="workload"/> (the server's default, compression, when null).
    /// </summary>
    public static async Task<AllocationProbe> StartAsync(int workers, CancellationToken ct, ServerWorkload? workload = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RleTcp:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (workload is { } w)
        {
            settings["RleTcp:Workload"] = w.ToString();
        }

        return new AllocationProbe(await EmbeddedRleTcpServer.StartAsync(settings, cancellationToken: ct).ConfigureAwait(false));
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
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
