using RleTcp.Benchmarks.Report;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// <c>transport</c>: issue 14's transport rows, the server's <c>--workload FrameEcho</c> against the plain-socket
/// echo peer (<c>echo-peer</c>), both driven by <c>rletcp load --protocol v1</c> from this process, alternating
/// peer and server for <see cref="Rounds"/> short rounds. Each round's ratio compares two neighbouring loads, and
/// the row reports the median of the rounds' ratios: on a shared 2-core machine one slow round (another job's
/// burst) then moves the figure little.
/// </summary>
/// <remarks>
/// Options: <c>--out RESULTS.tsv --rletcp rletcp.dll --big FILE --small FILE --peer HOST:PORT --echo HOST:PORT
/// [--seconds 5]</c>. The big file is sent as it is (any bytes: both sides echo), one connection, request after
/// request; the small one from 64 connections, closed loop.
/// </remarks>
public static class TransportSuite
{
    private const int Rounds = 5;
    private const int BigRequests = 15;

    /// <summary>Runs the loads and appends the two rows.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault()
            ?? throw new ArgumentException($"transport needs {name} (see bench/run.sh).");
        var load = new LoadTool(Get("--rletcp"));
        string big = Get("--big"), small = Get("--small"), peer = Get("--peer"), echo = Get("--echo");
        TimeSpan run = TimeSpan.FromSeconds(args.Contains("--seconds") ? double.Parse(Get("--seconds"), System.Globalization.CultureInfo.InvariantCulture) : 5);

        foreach (string server in new[] { peer, echo })
        {
            await load.RunAsync(server, big, 1, requests: 5, protocol: "v1").ConfigureAwait(false); // warm-up
            await load.RunAsync(server, small, 64, TimeSpan.FromSeconds(2), protocol: "v1").ConfigureAwait(false);
        }

        var bigPeer = new List<LoadSummary>();
        var bigEcho = new List<LoadSummary>();
        var smallPeer = new List<LoadSummary>();
        var smallEcho = new List<LoadSummary>();
        for (int round = 0; round < Rounds; round++)
        {
            bigPeer.Add(await load.RunAsync(peer, big, 1, requests: BigRequests, protocol: "v1").ConfigureAwait(false));
            bigEcho.Add(await load.RunAsync(echo, big, 1, requests: BigRequests, protocol: "v1").ConfigureAwait(false));
            smallPeer.Add(await load.RunAsync(peer, small, 64, run, protocol: "v1").ConfigureAwait(false));
            smallEcho.Add(await load.RunAsync(echo, small, 64, run, protocol: "v1").ConfigureAwait(false));
        }

        double megabytes = new FileInfo(big).Length / 1_000_000.0;
        double bigRatio = Median(bigEcho.Zip(bigPeer, (e, p) => e.P50Ms / p.P50Ms));
        double smallShare = Median(smallEcho.Zip(smallPeer, (e, p) => e.RequestsPerSecond / p.RequestsPerSecond));
        long failed = bigPeer.Concat(bigEcho).Concat(smallPeer).Concat(smallEcho).Sum(l => l.Failed);
        var rows = new List<ResultRow>
        {
            new(
                "transport",
                $"{megabytes:F1} MB frame round trip p50, 1 connection: FrameEcho (2 workers) vs plain-socket echo peer",
                $"FrameEcho p50 {List(bigEcho, l => l.P50Ms, "F1")} ms, peer p50 {List(bigPeer, l => l.P50Ms, "F1")} ms ({Rounds} rounds of {BigRequests} requests)",
                ResultRow.Num(bigRatio, "F2") + "x peer (median of the rounds' ratios)",
                "<= 1.2x peer",
                ResultRow.Judge(bigRatio <= 1.2 && failed == 0)),
            new(
                "transport",
                "small frames (1.6 KB PNG crop), 64 connections, pipeline 1: FrameEcho vs plain-socket echo peer req/s",
                $"FrameEcho {List(smallEcho, l => l.RequestsPerSecond, "N0")} req/s, peer {List(smallPeer, l => l.RequestsPerSecond, "N0")} req/s",
                ResultRow.Num(smallShare * 100, "F0") + "% of peer (median of the rounds' ratios)",
                ">= 90% of peer",
                ResultRow.Judge(smallShare >= 0.9 && failed == 0)),
        };
        foreach (ResultRow row in rows)
        {
            Console.WriteLine(string.Join(" | ", row.Section, row.Measure, row.Figure, row.Ratio, row.Verdict));
        }

        ResultRow.Append(Get("--out"), rows);
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string List(List<LoadSummary> loads, Func<LoadSummary, double> figure, string format) =>
        string.Join(" / ", loads.Select(l => ResultRow.Num(figure(l), format)));
}
