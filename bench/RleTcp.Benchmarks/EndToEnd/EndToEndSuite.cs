using System.Net;
using System.Net.Sockets;
using RleTcp.Benchmarks.Report;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: the end-to-end rows of the run.sh table, against servers run.sh started (their addresses and the idle
/// server's process id come as options) plus one server hosted in this process for the allocation counts.
/// Every ratio compares two loads run here one after the other, on the same machine state.
/// </summary>
/// <remarks>
/// Options: <c>--out RESULTS.tsv --rletcp rletcp.dll --big BIG.bmp --small SMALL.png --compress1 HOST:PORT
/// --compress2 HOST:PORT --echo HOST:PORT --idle HOST:PORT --idle-pid PID [--seconds 5]</c>.
/// compress1/compress2 are the compressing server with 1 and 2 workers, echo the frame-echo server (2 workers),
/// idle a fresh compressing server used only for the memory row.
/// </remarks>
public static class EndToEndSuite
{
    private const int IdleConnectionCount = 1000;
    private const int BigRequests = 20;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    /// <summary>Runs the end-to-end measurements and appends their rows.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options(args);
        string output = o.Required("--out");
        var rows = new List<ResultRow>();
        void add(ResultRow row)
        {
            rows.Add(row);
            Console.WriteLine(string.Join(" | ", row.Section, row.Measure, row.Figure, row.Ratio, row.Verdict));
        }

        try
        {
            if (o.Get("--rletcp") is { } rletcp)
            {
                await LoadRowsAsync(o, new LoadTool(rletcp), add).ConfigureAwait(false);
            }
            else
            {
                foreach ((string section, string measure) in LoadRowNames)
                {
                    add(new ResultRow(section, measure, "not measured: no `--rletcp PATH` (the built rletcp tool, whose `load` command drives these rows) was given", "-", "-", "not measured"));
                }
            }

            if (o.Get("--idle") is { } idle && o.Get("--idle-pid") is { } idlePid)
            {
                await IdleRowAsync(IPEndPoint.Parse(idle), int.Parse(idlePid, System.Globalization.CultureInfo.InvariantCulture), add).ConfigureAwait(false);
            }
        }
        finally
        {
            ResultRow.Append(output, rows);
        }

        return 0;
    }

    // The rows that need the load generator, for the "not measured" placeholders.
    private static readonly (string Section, string Measure)[] LoadRowNames =
    [
        ("big image", "7200x5600 1-bit BMP, send to last answer byte: compress (2 workers) vs frame-echo"),
        ("big image", "same image: 2 workers vs 1 worker (bands in parallel)"),
        ("small images", "64 connections x 256x256 1-bit PNG crop, pipeline 1 and 16: compress vs frame-echo requests/s"),
        ("head-of-line", "small requests while 7200x5600 BMPs compress on another connection: p99 vs unloaded"),
        ("memory", "allocated bytes per small request / per pixel of a big request"),
    ];

    private static async Task LoadRowsAsync(Options o, LoadTool load, Action<ResultRow> add)
    {
        string big = o.Required("--big"), small = o.Required("--small");
        string compress1 = o.Required("--compress1"), compress2 = o.Required("--compress2"), echo = o.Required("--echo");
        TimeSpan run = TimeSpan.FromSeconds(double.Parse(o.Get("--seconds") ?? "5", System.Globalization.CultureInfo.InvariantCulture));
        double bigMegabytes = new FileInfo(big).Length / 1e6;

        // One big image, sent alone, back to back: the time from sending to the answer's last byte.
        // Warm-up first: the runtime compiles a method fully only after ~30 calls, so a server that has seen a handful
        // of big images still runs part of that path unoptimised (the first trial runs measured up to 2x too slow).
        foreach (string server in new[] { echo, compress1, compress2 })
        {
            await load.RunAsync(server, big, connections: 1, Warmup).ConfigureAwait(false);
            await load.RunAsync(server, small, connections: 16, Warmup).ConfigureAwait(false);
        }

        LoadSummary bigEcho = await load.RunAsync(echo, big, 1, requests: BigRequests).ConfigureAwait(false);
        LoadSummary bigOne = await load.RunAsync(compress1, big, 1, requests: BigRequests).ConfigureAwait(false);
        LoadSummary bigTwo = await load.RunAsync(compress2, big, 1, requests: BigRequests).ConfigureAwait(false);
        double bigRatio = bigTwo.P50Ms / bigEcho.P50Ms;
        add(new ResultRow(
            "big image",
            $"7200x5600 1-bit BMP ({bigMegabytes:F1} MB), send to last answer byte: compress (2 workers) vs frame-echo",
            $"compress p50 {Ms(bigTwo.P50Ms)}, echo p50 {Ms(bigEcho.P50Ms)} ({BigRequests} requests each){Failures(bigTwo, bigEcho)}",
            $"{Num(bigRatio)}x echo", "<= 3x echo", ResultRow.Judge(bigRatio <= 3 && bigTwo.Failed == 0)));
        double workerSpeedup = bigOne.P50Ms / bigTwo.P50Ms;
        add(new ResultRow(
            "big image", "same image: 2 workers vs 1 worker (bands in parallel)",
            $"1 worker p50 {Ms(bigOne.P50Ms)}, 2 workers p50 {Ms(bigTwo.P50Ms)}{Failures(bigOne)}",
            $"{Num(workerSpeedup)}x faster", ">= 1.6x faster", ResultRow.Judge(workerSpeedup >= 1.6 && bigOne.Failed == 0)));

        // Many small images: 64 connections, closed loop, without and with pipelining.
        LoadSummary? smallOne = null;
        foreach (int pipeline in new[] { 1, 16 })
        {
            LoadSummary c = await load.RunAsync(compress2, small, 64, run, pipeline: pipeline).ConfigureAwait(false);
            LoadSummary e = await load.RunAsync(echo, small, 64, run, pipeline: pipeline).ConfigureAwait(false);
            double share = c.RequestsPerSecond / e.RequestsPerSecond;
            add(new ResultRow(
                "small images",
                $"64 connections x 256x256 1-bit PNG crop, pipeline {pipeline}: compress vs frame-echo requests/s",
                $"compress {Rps(c)} (p50 {Ms(c.P50Ms)}, p99 {Ms(c.P99Ms)}), echo {Rps(e)} (p99 {Ms(e.P99Ms)}){Failures(c, e)}",
                $"{Num(share * 100, "F0")}% of echo", ">= 50% of echo", ResultRow.Judge(share >= 0.5 && c.Failed == 0)));
            if (pipeline == 1)
            {
                smallOne = c;
            }
            else if (smallOne is not null)
            {
                double gain = c.RequestsPerSecond / smallOne.RequestsPerSecond;
                add(new ResultRow(
                    "small images", "pipelining: compress requests/s with --pipeline 16 vs 1",
                    $"{Rps(c)} vs {Rps(smallOne)}", $"{Num(gain)}x", "> 1x (raises it)", ResultRow.Judge(gain > 1)));
            }
        }

        // Head-of-line: small requests at a steady rate, alone and then while big images are compressed back to back.
        const double smallRate = 100;
        TimeSpan smallRun = run + TimeSpan.FromSeconds(1);
        LoadSummary unloaded = await load.RunAsync(compress2, small, 4, smallRun, rate: smallRate).ConfigureAwait(false);
        Task<LoadSummary> bigLoad = load.RunAsync(compress2, big, 1, smallRun + TimeSpan.FromSeconds(3));
        await Task.Delay(TimeSpan.FromSeconds(1.5)).ConfigureAwait(false);
        LoadSummary loaded = await load.RunAsync(compress2, small, 4, smallRun, rate: smallRate).ConfigureAwait(false);
        LoadSummary bigDuring = await bigLoad.ConfigureAwait(false);
        double holRatio = loaded.P99Ms / unloaded.P99Ms;
        add(new ResultRow(
            "head-of-line",
            $"4 connections x {smallRate:F0} small req/s while 7200x5600 BMPs compress back to back on another connection",
            $"small p99 {Ms(loaded.P99Ms)} loaded vs {Ms(unloaded.P99Ms)} unloaded ({bigDuring.Requests} big images meanwhile, big p50 {Ms(bigDuring.P50Ms)}){Failures(loaded, unloaded, bigDuring)}",
            $"{Num(holRatio)}x unloaded", "< 5x unloaded", ResultRow.Judge(holRatio < 5 && loaded.Failed == 0)));

        // Allocations, counted by the GC in a server hosted in this process.
        await using (AllocationProbe probe = await AllocationProbe.StartAsync(workers: 2, CancellationToken.None).ConfigureAwait(false))
        {
            string address = $"{probe.EndPoint.Address}:{probe.EndPoint.Port}";
            await load.RunAsync(address, big, 1, Warmup).ConfigureAwait(false);
            await load.RunAsync(address, small, 64, Warmup).ConfigureAwait(false);
            (LoadSummary smallLoad, long smallBytes) = await AllocationProbe.MeasureAsync(
                () => load.RunAsync(address, small, 64, run)).ConfigureAwait(false);
            double perSmall = (double)smallBytes / Math.Max(1, smallLoad.Requests);
            add(new ResultRow(
                "memory", "allocated bytes per small request (GC counter, in-process server, 64 connections)",
                $"{smallBytes:N0} B over {smallLoad.Requests:N0} requests{Failures(smallLoad)}",
                $"{Num(perSmall, "F0")} B/request", "< 1024 B/request", ResultRow.Judge(perSmall < 1024 && smallLoad.Failed == 0)));

            // The row above runs the client's default protocol (v2 when offered); this one the same load in v1, so the
            // table splits what the v2 session adds from the transport and executor that both share.
            await load.RunAsync(address, small, 64, Warmup, protocol: "v1").ConfigureAwait(false);
            (LoadSummary v1Load, long v1Bytes) = await AllocationProbe.MeasureAsync(
                () => load.RunAsync(address, small, 64, run, protocol: "v1")).ConfigureAwait(false);
            double perV1 = (double)v1Bytes / Math.Max(1, v1Load.Requests);
            add(new ResultRow(
                "memory", "allocated bytes per small request, protocol v1 (GC counter, in-process server, 64 connections)",
                $"{v1Bytes:N0} B over {v1Load.Requests:N0} requests{Failures(v1Load)}",
                $"{Num(perV1, "F0")} B/request", "< 1024 B/request", ResultRow.Judge(perV1 < 1024 && v1Load.Failed == 0)));

            // This server has not seen the big image yet: its first requests fill the pool's large buckets (payload,
            // bands, answer), which is not what a request costs once the server runs; the alloc command warms up alike.
            await load.RunAsync(address, big, 1, requests: 2).ConfigureAwait(false);
            (LoadSummary bigLoad2, long bigBytes) = await AllocationProbe.MeasureAsync(
                () => load.RunAsync(address, big, 1, requests: 4)).ConfigureAwait(false);
            double perPixel = (double)bigBytes / Math.Max(1, bigLoad2.Requests) / (7200.0 * 5600);
            add(new ResultRow(
                "memory", "allocated bytes per pixel of a 7200x5600 request (packed bits would be 0.125 B/pixel)",
                $"{bigBytes / Math.Max(1, bigLoad2.Requests):N0} B per request{Failures(bigLoad2)}",
                $"{Num(perPixel, "F4")} B/pixel", "~0 (< 0.01 B/pixel)", ResultRow.Judge(perPixel < 0.01 && bigLoad2.Failed == 0)));
        }

    }


    // Resident memory of a fresh server holding 1,000 idle connections.
    private static async Task IdleRowAsync(IPEndPoint idle, int pid, Action<ResultRow> add)
    {
        long before = ProcessMemory.ResidentBytes(pid);
        IReadOnlyList<Socket> sockets = await IdleConnections.OpenAsync(idle, IdleConnectionCount, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            long with = ProcessMemory.ResidentBytes(pid);
            add(new ResultRow(
                "memory", $"server RSS with {IdleConnectionCount:N0} idle connections (each answered one ping)",
                $"{Mb(with)} (before connecting {Mb(before)}; {Num((with - before) / 1024.0 / IdleConnectionCount, "F1")} KB per connection)",
                Mb(with), "< 150 MB", ResultRow.Judge(with < 150L * 1024 * 1024)));
        }
        finally
        {
            IdleConnections.Close(sockets);
        }
    }

    private static string Failures(params LoadSummary[] loads) =>
        loads.Any(l => l.Failed > 0)
            ? "; FAILED requests: " + string.Join(" / ", loads.Where(l => l.Failed > 0).Select(l => $"{l.Failed} ({l.Errors})"))
            : "";

    private static string Ms(double ms) => ms >= 100 ? Num(ms, "F0") + " ms" : Num(ms, ms >= 10 ? "F1" : "F2") + " ms";

    private static string Rps(LoadSummary l) => Num(l.RequestsPerSecond, "N0") + " req/s";

    private static string Mb(long bytes) => Num(bytes / 1048576.0, "F1") + " MB";

    private static string Num(double value, string format = "F2") => ResultRow.Num(value, format);

    private sealed class Options(string[] args)
    {
        public string? Get(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        public string Required(string name) =>
            Get(name) ?? throw new ArgumentException($"e2e needs {name} (see bench/run.sh).");
    }
}
