using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RleTcp.Benchmarks.Columns;
using RleTcp.Benchmarks.Images;
using RleTcp.Benchmarks.Report;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// <c>micro --out RESULTS.tsv [--job short|medium]</c>: runs the encode, decode and intake benchmarks in one
/// BenchmarkDotNet run and writes the table rows, every ratio taken between benchmarks of that same run.
/// </summary>
public static class MicroSuite
{
    private const double EncodeTargetRatio = 10;
    private const double IntakeTargetSpeedup = 20;

    /// <summary>Runs the suite.</summary>
    public static int Run(string[] args)
    {
        string? output = Option(args, "--out");
        if (output is null)
        {
            Console.Error.WriteLine("usage: micro --out RESULTS.tsv [--job short|medium]");
            return 2;
        }

        Job job = Option(args, "--job") switch
        {
            null or "short" => Job.ShortRun,
            "medium" => Job.MediumRun,
            var other => throw new ArgumentException($"unknown job '{other}' (short or medium)"),
        };

        IConfig config = DefaultConfig.Instance.AddJob(job.AsDefault());
        Summary[] summaries = BenchmarkRunner.Run(
            [typeof(RleEncodeBenchmarks), typeof(RleDecodeBenchmarks), typeof(ImageIntakeBenchmarks), typeof(SmallRequestBenchmarks),
                typeof(BandedEncodeBenchmarks)],
            config);
        var means = new Measurements(summaries);

        var rows = new List<ResultRow>();
        rows.AddRange(CodecRows(means, nameof(RleEncodeBenchmarks), nameof(RleEncodeBenchmarks.EncodeToWriter), "encode"));
        rows.AddRange(EncoderPathRows(means));
        rows.AddRange(CodecRows(means, nameof(RleDecodeBenchmarks), nameof(RleDecodeBenchmarks.Decode), "decode"));
        rows.AddRange(RunBoundRows(means));
        rows.AddRange(BandRows(means));
        rows.AddRange(IntakeRows(means));
        rows.AddRange(SmallRequestRows(means));
        ResultRow.Append(output, rows);
        return means.Failed == 0 ? 0 : 1;
    }

    private static IEnumerable<ResultRow> CodecRows(Measurements m, string type, string method, string section)
    {
        foreach (BenchImage image in Enum.GetValues<BenchImage>())
        {
            var key = new Key(type, method, image, null);
            var baseline = key with { Method = nameof(RleEncodeBenchmarks.MemcpyPackedBits) };
            if (!m.TryGet(key, out Measurement work) || !m.TryGet(baseline, out Measurement copy))
            {
                yield return new ResultRow(section, Describe(image), "not measured (benchmark failed)", "-", "-", "MISSED");
                continue;
            }

            double ratio = work.MeanNs / copy.MeanNs;
            long pixels = BenchImages.PixelCount(image);
            string figure = $"{Time(work.MeanNs)}, {ResultRow.Num(MegapixelsPerSecondColumn.Compute(pixels, work.MeanNs), "N0")} MPix/s, "
                + $"alloc {work.AllocatedBytes:N0} B (memcpy {Time(copy.MeanNs)})";
            bool judged = image != BenchImage.Noise; // noise is judged per run (RunBoundRows), not against memcpy
            yield return new ResultRow(
                section,
                $"{Describe(image)}: {method} vs memcpy of packed bits",
                figure,
                ResultRow.Num(ratio, "F1") + "x memcpy",
                judged ? $"<= {EncodeTargetRatio:F0}x memcpy" : "bound by runs (next rows)",
                judged ? ResultRow.Judge(ratio <= EncodeTargetRatio) : "info");
        }
    }

    // Issue 14: the path the process chose (EncodeToWriter; VBMI2 on AVX-512 VBMI2 CPUs) and the AVX2 path, each
    // against the scalar path in the same run.
    private static IEnumerable<ResultRow> EncoderPathRows(Measurements m)
    {
        foreach (BenchImage image in Enum.GetValues<BenchImage>())
        {
            var scalarKey = new Key(nameof(RleEncodeBenchmarks), nameof(RleEncodeBenchmarks.EncodeToWriterScalar), image, null);
            if (!m.TryGet(scalarKey, out Measurement scalar))
            {
                continue;
            }

            foreach ((string method, string name) in new[]
            {
                (nameof(RleEncodeBenchmarks.EncodeToWriter), $"chosen path ({RleTcp.Protocol.Rle.RleEncoder.Path})"),
            })
            {
                if (m.TryGet(scalarKey with { Method = method }, out Measurement path))
                {
                    yield return new ResultRow(
                        "encode",
                        $"{Describe(image)}: {name} vs scalar path",
                        $"{Time(path.MeanNs)} vs {Time(scalar.MeanNs)}",
                        ResultRow.Num(scalar.MeanNs / path.MeanNs, "F2") + "x faster",
                        "-",
                        "info");
                }
            }
        }
    }

    // "On noise it is bound by the number of runs, not the pixels": the time per run (output byte) on noise
    // should be about that on a text page, although noise has ~18x more runs per pixel.
    private static IEnumerable<ResultRow> RunBoundRows(Measurements m)
    {
        foreach ((string type, string method, string section) in new[]
        {
            (nameof(RleEncodeBenchmarks), nameof(RleEncodeBenchmarks.EncodeToWriter), "encode"),
            (nameof(RleDecodeBenchmarks), nameof(RleDecodeBenchmarks.Decode), "decode"),
        })
        {
            if (!m.TryGet(new Key(type, method, BenchImage.TextPage, null), out Measurement text)
                || !m.TryGet(new Key(type, method, BenchImage.Noise, null), out Measurement noise))
            {
                continue;
            }

            double textPerRun = text.MeanNs / RunCount(BenchImage.TextPage);
            double noisePerRun = noise.MeanNs / RunCount(BenchImage.Noise);
            double ratio = noisePerRun / textPerRun;
            yield return new ResultRow(
                section,
                "noise vs text page: time per run (RLE byte)",
                $"{ResultRow.Num(noisePerRun, "F2")} ns/run noise, {ResultRow.Num(textPerRun, "F2")} ns/run text",
                ResultRow.Num(ratio, "F2") + "x",
                "per-run cost ~ text's (<= 2x)",
                ResultRow.Judge(ratio <= 2));
        }
    }

    // The compute side of the 2-workers target: the same encode split over two threads, no network in the way.
    private static IEnumerable<ResultRow> BandRows(Measurements m)
    {
        var one = new Key(nameof(BandedEncodeBenchmarks), nameof(BandedEncodeBenchmarks.OneThread), BenchImage.LineArt, null);
        var two = one with { Method = nameof(BandedEncodeBenchmarks.TwoThreads) };
        if (m.TryGet(one, out Measurement a) && m.TryGet(two, out Measurement b))
        {
            double speedup = a.MeanNs / b.MeanNs;
            yield return new ResultRow(
                "encode",
                "line art 7200x5600: 2 bands on 2 threads vs 1 thread (compute only)",
                $"{Time(b.MeanNs)} vs {Time(a.MeanNs)}",
                ResultRow.Num(speedup, "F2") + "x faster",
                ">= 1.6x faster",
                ResultRow.Judge(speedup >= 1.6));
        }
    }

    private static IEnumerable<ResultRow> IntakeRows(Measurements m)
    {
        foreach (IntakeFormat format in Enum.GetValues<IntakeFormat>())
        {
            var fast = new Key(nameof(ImageIntakeBenchmarks), nameof(ImageIntakeBenchmarks.IntakeFastPath), BenchImage.LineArt, format);
            var sharp = fast with { Method = nameof(ImageIntakeBenchmarks.ImageSharpLoadL8) };
            var general = fast with { Method = nameof(ImageIntakeBenchmarks.IntakeViaImageSharp) };
            if (!m.TryGet(fast, out Measurement f) || !m.TryGet(sharp, out Measurement s))
            {
                yield return new ResultRow("intake", format + " 7200x5600", "not measured (benchmark failed)", "-", "-", "MISSED");
                continue;
            }

            double speedup = s.MeanNs / f.MeanNs;
            string extra = m.TryGet(general, out Measurement g) ? $"; intake without fast path {Time(g.MeanNs)}" : "";
            yield return new ResultRow(
                "intake",
                $"{format} 7200x5600 line art: fast path vs ImageSharp Load<L8>",
                $"{Time(f.MeanNs)} (alloc {f.AllocatedBytes:N0} B) vs {Time(s.MeanNs)} (alloc {s.AllocatedBytes:N0} B){extra}",
                ResultRow.Num(speedup, "F1") + "x faster",
                $">= {IntakeTargetSpeedup:F0}x faster",
                ResultRow.Judge(speedup >= IntakeTargetSpeedup));
        }
    }

    // Context for the end-to-end small-request rows: the image work of one request, outside the server.
    private static IEnumerable<ResultRow> SmallRequestRows(Measurements m)
    {
        if (m.TryGetSingle(nameof(SmallRequestBenchmarks), nameof(SmallRequestBenchmarks.Intake), out Measurement intake)
            && m.TryGetSingle(nameof(SmallRequestBenchmarks), nameof(SmallRequestBenchmarks.Encode), out Measurement encode))
        {
            yield return new ResultRow(
                "small request work",
                "256x256 1-bit PNG crop outside the server: intake + encode",
                $"intake {Time(intake.MeanNs)} (alloc {intake.AllocatedBytes:N0} B) + encode {Time(encode.MeanNs)} (alloc {encode.AllocatedBytes:N0} B)",
                ResultRow.Num(1e9 / (intake.MeanNs + encode.MeanNs), "N0") + " req/s per core",
                "-",
                "info");
        }
    }

    private static long RunCount(BenchImage image)
    {
        using BitImage bits = BenchImages.Create(image);
        return RleEncoder.Encode(bits).Length - RleFormat.HeaderSize;
    }

    private static string Describe(BenchImage image) => image switch
    {
        BenchImage.TextPage => "text page 2550x3300 (vector p15)",
        BenchImage.LineArt => "line art 7200x5600 (generated)",
        BenchImage.Noise => "50% noise 2550x3300",
        _ => image.ToString(),
    };

    private static string Time(double ns) => ns switch
    {
        >= 1e6 => ResultRow.Num(ns / 1e6, "F2") + " ms",
        >= 1e3 => ResultRow.Num(ns / 1e3, "F1") + " us",
        _ => ResultRow.Num(ns, "F1") + " ns",
    };

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private readonly record struct Key(string Type, string Method, BenchImage? Image, IntakeFormat? Format);

    private readonly record struct Measurement(double MeanNs, long AllocatedBytes);

    // The mean and allocation of every benchmark case that produced results, by type, method and parameters.
    private sealed class Measurements
    {
        private readonly Dictionary<Key, Measurement> _byKey = [];

        public Measurements(IEnumerable<Summary> summaries)
        {
            foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
            {
                BenchmarkCase c = report.BenchmarkCase;
                if (report.ResultStatistics is not { } stats)
                {
                    Failed++;
                    continue;
                }

                var key = new Key(
                    c.Descriptor.Type.Name,
                    c.Descriptor.WorkloadMethod.Name,
                    c.Parameters.Items.Any(p => p.Name == MegapixelsPerSecondColumn.ImageParameter)
                        ? (BenchImage)c.Parameters[MegapixelsPerSecondColumn.ImageParameter]
                        : null,
                    c.Parameters.Items.Any(p => p.Name == "Format") ? (IntakeFormat)c.Parameters["Format"] : null);
                _byKey[key] = new Measurement(stats.Mean, report.GcStats.GetBytesAllocatedPerOperation(c) ?? -1);
            }
        }

        public int Failed { get; }

        public bool TryGet(Key key, out Measurement measurement) => _byKey.TryGetValue(key, out measurement);

        public bool TryGetSingle(string type, string method, out Measurement measurement) =>
            TryGet(new Key(type, method, null, null), out measurement);
    }
}
