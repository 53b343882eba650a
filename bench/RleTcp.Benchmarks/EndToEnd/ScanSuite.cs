using System.Globalization;
using RleTcp.Benchmarks.Report;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// <c>scans-e2e</c>: issue 14's grey and colour rows. For each scan page (written by <c>scans DIR</c>): Pillow 9.4's
/// <c>Image.open(BytesIO(b)).convert('1')</c> in its own process (<c>bench/peers/pillow_convert.py</c>, median of its
/// runs), RleTcp's intake in process (<c>intake</c>, median), and the server end to end — send to last answer byte,
/// <c>rletcp load -c 1</c>, p50 — all measured in the same run.sh run. The ratio is Pillow's time over the server's.
/// </summary>
/// <remarks>
/// Options: <c>--out RESULTS.tsv --rletcp rletcp.dll --server HOST:PORT --pillow PILLOW.tsv --intake INTAKE.tsv
/// [--requests 9] FILES...</c>. The two TSV files have the columns <c>tool file bytes width height best_ms median_ms
/// runs</c> and join on the file name.
/// </remarks>
public static class ScanSuite
{
    private static readonly string[] Options = ["--out", "--rletcp", "--server", "--pillow", "--intake", "--requests"];

    /// <summary>Runs the loads and appends one row per file.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault()
            ?? throw new ArgumentException($"scans-e2e needs {name} (see bench/run.sh).");
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (Options.Contains(args[i]))
            {
                i++;
            }
            else
            {
                files.Add(args[i]);
            }
        }

        var load = new LoadTool(Get("--rletcp"));
        string server = Get("--server");
        long requests = args.Contains("--requests") ? long.Parse(Get("--requests"), CultureInfo.InvariantCulture) : 9;
        Dictionary<string, double> pillow = MedianByFile(Get("--pillow"));
        Dictionary<string, double> intake = MedianByFile(Get("--intake"));

        var rows = new List<ResultRow>();
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            await load.RunAsync(server, file, 1, requests: 2).ConfigureAwait(false); // warm-up
            LoadSummary e2e = await load.RunAsync(server, file, 1, requests: requests).ConfigureAwait(false);
            bool jpeg = name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase);
            double target = jpeg ? 1.5 : 2.5;
            double ratio = pillow[name] / e2e.P50Ms;
            rows.Add(new ResultRow(
                "grey/colour scans",
                $"{name} ({new FileInfo(file).Length / 1_000_000.0:F1} MB): server end to end p50 (1 connection, 2 workers) vs Pillow open+convert('1') in process",
                $"server p50 {ResultRow.Num(e2e.P50Ms, "F1")} ms (intake in process {ResultRow.Num(intake[name], "F1")} ms), Pillow {ResultRow.Num(pillow[name], "F1")} ms (medians)",
                ResultRow.Num(ratio, "F2") + "x faster than Pillow",
                $">= {ResultRow.Num(target, "F1")}x",
                ResultRow.Judge(ratio >= target && e2e.Failed == 0)));
        }

        foreach (ResultRow row in rows)
        {
            Console.WriteLine(string.Join(" | ", row.Section, row.Measure, row.Figure, row.Ratio, row.Verdict));
        }

        ResultRow.Append(Get("--out"), rows);
        return 0;
    }

    // file name -> median_ms, from the TSV that pillow_convert.py and `intake` print.
    private static Dictionary<string, double> MedianByFile(string path) =>
        File.ReadLines(path)
            .Skip(1)
            .Select(line => line.Split('\t'))
            .Where(f => f.Length >= 7)
            .ToDictionary(f => f[1], f => double.Parse(f[6], CultureInfo.InvariantCulture));
}
