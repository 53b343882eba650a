using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace RleTcp.Cli.Load;

/// <summary>Prints a run's result as tables and a text histogram, or as one JSON document.</summary>
internal static class LoadReport
{
    private static readonly (string Name, double Percentile)[] Percentiles = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)];

    public static void WriteText(LoadResult result)
    {
        LoadSettings settings = result.Settings!;
        WorkerStats stats = result.Stats;
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        string loop = settings.Rate is { } rate ? $"open loop at {rate:0.#} req/s" : "closed loop";
        Console.WriteLine(
            $"{result.Requests} requests to {settings.Server} in {seconds:0.00} s over {settings.Connections} connection(s) x pipeline {settings.Pipeline}, {loop}");

        var throughput = new Table().AddColumns("requests/s", "ok", "failed", "MB/s out", "MB/s in", "MB out", "MB in");
        throughput.AddRow(
            F(result.Requests / seconds, "0.0"), stats.Ok.ToString(CultureInfo.InvariantCulture), result.Failed.ToString(CultureInfo.InvariantCulture),
            F(stats.BytesOut / 1e6 / seconds, "0.00"), F(stats.BytesIn / 1e6 / seconds, "0.00"), F(stats.BytesOut / 1e6, "0.00"), F(stats.BytesIn / 1e6, "0.00"));
        AnsiConsole.Write(throughput);

        LatencyHistogram latency = stats.Latency;
        var latencyTable = new Table().Title(settings.Rate is null ? "latency (ms)" : "latency (ms, from the intended send time)");
        latencyTable.AddColumns(["min", "mean", .. Percentiles.Select(p => p.Name), "max"]);
        latencyTable.AddRow([Ms(latency.Count == 0 ? 0 : latency.Min), F(latency.Mean / 1000, "0.000"), .. Percentiles.Select(p => Ms(latency.ValueAtPercentile(p.Percentile))), Ms(latency.Max)]);
        AnsiConsole.Write(latencyTable);

        WriteHistogram(latency);

        if (stats.Errors.Count > 0)
        {
            var errors = new Table().Title("errors").AddColumns("kind", "count");
            foreach ((string kind, long count) in stats.Errors.OrderByDescending(e => e.Value))
            {
                errors.AddRow(Markup.Escape(kind), count.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(errors);
        }
        else
        {
            Console.WriteLine("errors: none");
        }

        if (settings.Payloads.Any(p => p.Verify))
        {
            Console.WriteLine($"verify: {stats.Verified} answers compared with a local compression, {stats.Mismatches} mismatches");
        }
    }

    public static void WriteJson(LoadResult result)
    {
        LoadSettings settings = result.Settings!;
        WorkerStats stats = result.Stats;
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        LatencyHistogram latency = stats.Latency;
        var document = new Dictionary<string, object?>
        {
            ["server"] = settings.Server.ToString(),
            ["connections"] = settings.Connections,
            ["pipeline"] = settings.Pipeline,
            ["rate"] = settings.Rate,
            ["seconds"] = Math.Round(seconds, 3),
            ["requests"] = result.Requests,
            ["ok"] = stats.Ok,
            ["failed"] = result.Failed,
            ["requestsPerSecond"] = Math.Round(result.Requests / seconds, 1),
            ["bytesOut"] = stats.BytesOut,
            ["bytesIn"] = stats.BytesIn,
            ["mbPerSecondOut"] = Math.Round(stats.BytesOut / 1e6 / seconds, 3),
            ["mbPerSecondIn"] = Math.Round(stats.BytesIn / 1e6 / seconds, 3),
            ["latencyMs"] = new Dictionary<string, double>
            {
                ["min"] = latency.Count == 0 ? 0 : latency.Min / 1000.0,
                ["mean"] = Math.Round(latency.Mean / 1000, 3),
                ["p50"] = latency.ValueAtPercentile(50) / 1000.0,
                ["p90"] = latency.ValueAtPercentile(90) / 1000.0,
                ["p99"] = latency.ValueAtPercentile(99) / 1000.0,
                ["p99.9"] = latency.ValueAtPercentile(99.9) / 1000.0,
                ["max"] = latency.Max / 1000.0,
            },
            ["histogram"] = latency.PowerOfTwoRanges().Select(r => new { fromMs = r.From / 1000.0, toMs = (r.To + 1) / 1000.0, count = r.Count }).ToArray(),
            ["errors"] = stats.Errors,
            ["verified"] = settings.Payloads.Any(p => p.Verify) ? stats.Verified : null,
            ["mismatches"] = settings.Payloads.Any(p => p.Verify) ? stats.Mismatches : null,
        };
        Console.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteHistogram(LatencyHistogram latency)
    {
        var ranges = latency.PowerOfTwoRanges().ToArray();
        if (ranges.Length == 0)
        {
            return;
        }

        long peak = ranges.Max(r => r.Count);
        Console.WriteLine("histogram (ms):");
        foreach ((long from, long to, long count) in ranges)
        {
            int bar = peak == 0 ? 0 : (int)Math.Round(40.0 * count / peak);
            Console.WriteLine($"  {from / 1000.0,9:0.000} - {(to + 1) / 1000.0,9:0.000} | {new string('#', bar),-40} {count}");
        }
    }

    private static string Ms(long microseconds) => F(microseconds / 1000.0, "0.000");

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
