using System.Globalization;
using RleTcp.Server.Configuration;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// <c>alloc --rletcp rletcp.dll --small SMALL.png [--seconds 5] [--connections 64] [--pipeline 1] [--protocol v1|v2] [--echo] [--by-type]
/// [--big BIG.bmp [--big-requests 8]]</c>: only the e2e suite's "allocated bytes per small request" figure (same probe,
/// same load), printed, for quick before/after comparisons while working on allocations; with <c>--big</c> also its
/// "bytes per big request" figure (that image sent alone, back to back on one connection, after a warm-up). <c>--echo</c> runs the frame-echo workload (transport and executor
/// only, no image work). <c>--by-type</c> also ranks the allocated types (<see cref="AllocationSampler"/>;
/// the figure is then inflated by the sampler's own allocations).
/// </summary>
public static class AllocationCommand
{
    /// <summary>Measures and prints the bytes the in-process server allocates per small request.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string Get(string name, string? fallback = null)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required.");
        }

        var load = new LoadTool(Get("--rletcp"));
        string small = Get("--small");
        var run = TimeSpan.FromSeconds(double.Parse(Get("--seconds", "5"), CultureInfo.InvariantCulture));
        int connections = int.Parse(Get("--connections", "64"), CultureInfo.InvariantCulture);
        int pipeline = int.Parse(Get("--pipeline", "1"), CultureInfo.InvariantCulture);
        string? protocol = Array.IndexOf(args, "--protocol") >= 0 ? Get("--protocol") : null; // default: the client's (v2 when offered)

        using AllocationSampler? sampler = args.Contains("--by-type") ? new AllocationSampler() : null;
        await using AllocationProbe probe = await AllocationProbe.StartAsync(
            workers: 2, CancellationToken.None, args.Contains("--echo") ? Server.Configuration.ServerWorkload.FrameEcho : null).ConfigureAwait(false);
        string address = $"{probe.EndPoint.Address}:{probe.EndPoint.Port}";
        await load.RunAsync(address, small, connections, TimeSpan.FromSeconds(3), pipeline: pipeline, protocol: protocol).ConfigureAwait(false);
        sampler?.Enable();
        (LoadSummary summary, long bytes) = await AllocationProbe.MeasureAsync(
            () => load.RunAsync(address, small, connections, run, pipeline: pipeline, protocol: protocol)).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{bytes:N0} B over {summary.Requests:N0} requests ({summary.Failed} failed): {(double)bytes / Math.Max(1, summary.Requests):F0} B/request"));
        PrintTop(sampler, summary.Requests);

        if (Array.IndexOf(args, "--big") >= 0)
        {
            string big = Get("--big");
            int bigRequests = int.Parse(Get("--big-requests", "8"), CultureInfo.InvariantCulture);
            await load.RunAsync(address, big, 1, TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            sampler?.Reset();
            (LoadSummary bigSummary, long bigBytes) = await AllocationProbe.MeasureAsync(
                () => load.RunAsync(address, big, 1, requests: bigRequests)).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"big: {bigBytes:N0} B over {bigSummary.Requests:N0} requests ({bigSummary.Failed} failed): {(double)bigBytes / Math.Max(1, bigSummary.Requests):F0} B/request"));
            PrintTop(sampler, bigSummary.Requests);
        }

        return 0;
    }

    private static void PrintTop(AllocationSampler? sampler, long requests)
    {
        foreach ((string type, long sampled) in sampler?.Top(25) ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(double)sampled / Math.Max(1, requests),8:F0} B/request  {type}"));
        }
    }
}
