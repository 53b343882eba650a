using System.Diagnostics;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// <c>unfilter [--runs N] [PAGE...]</c>: the CPU time of this process around each call of
/// <see cref="PngUnfilterBenchmarks"/>' methods, the methods taking turns, best and median of N (default 15), in ms. On
/// a machine shared with other jobs the CPU time moves far less than the wall clock, and the turns keep the ratios
/// between methods to one run.
/// </summary>
public static class UnfilterProbe
{
    /// <summary>Runs the probe; prints one line per page and method.</summary>
    public static int Run(string[] args)
    {
        int runs = 15;
        var pages = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length)
            {
                runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                pages.Add(args[i]);
            }
        }

        if (pages.Count == 0)
        {
            pages.AddRange(["scan-grey.png", "big-grey.png", "scan-grey16.png", "scan-la8.png", "lineart-grey8.png", "lineart-palette8.png", "lineart-grey4.png"]);
        }

        Console.WriteLine("page\tmethod\tbest_cpu_ms\tmedian_cpu_ms\tbest_vs_rows");
        foreach (string page in pages)
        {
            var bench = new PngUnfilterBenchmarks { Page = page };
            bench.Setup();
            (string Name, Func<int> Call)[] methods =
            [
                (nameof(bench.Rows), bench.Rows), (nameof(bench.Reader), bench.Reader),
                (nameof(bench.BandsEverywhere), bench.BandsEverywhere), (nameof(bench.CopyOnly), bench.CopyOnly),
            ];
            var times = methods.Select(_ => new List<double>()).ToArray();
            for (int run = -2; run < runs; run++) // two warm-up turns (tiered JIT)
            {
                for (int m = 0; m < methods.Length; m++)
                {
                    TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
                    methods[m].Call();
                    TimeSpan after = Process.GetCurrentProcess().TotalProcessorTime;
                    if (run >= 0)
                    {
                        times[m].Add((after - before).TotalMilliseconds);
                    }
                }
            }

            double rowsBest = times[0].Min();
            for (int m = 0; m < methods.Length; m++)
            {
                List<double> t = times[m];
                t.Sort();
                Console.WriteLine(FormattableString.Invariant($"{page}\t{methods[m].Name}\t{t[0]:F2}\t{t[t.Count / 2]:F2}\t{t[0] / rowsBest:F3}"));
            }
        }

        return 0;
    }
}
