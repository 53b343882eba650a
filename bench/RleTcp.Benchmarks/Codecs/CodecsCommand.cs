using System.Diagnostics;
using System.Globalization;
using System.Text;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.Pbm;
using RleTcp.Protocol.Rle;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Codecs;

/// <summary>
/// <c>codecs [OUT_DIR] [EXTRA_IMAGE...]</c>: the size table of docs/CODECS.md and the speed ratios of
/// docs/PERFORMANCE.md in one run on the same bits. Inputs: every public vector (its expected RLE's bits), a
/// generated dithered grey scan, and any image files given (the demo's samples). Beside every codec's bytes it
/// measures libtiff's G4 and Pillow's optimised PNG (reference.py, Debian's Pillow 9.4) and JBIG-KIT's pbmtojbg
/// (bytes and wall time of the process, file in, file out). Timings are the best of several runs.
/// </summary>
internal static class CodecsCommand
{
    private const int Repeat = 7;

    public static int Run(string[] args)
    {
        string output = args.Length > 0 ? args[0] : Path.Combine("bench", "results", "codecs-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(output);
        var inputs = new List<(string Name, BitImage Bits)>();
        foreach (string rle in Directory.EnumerateFiles(VectorFiles.Directory, "*.expected.rle").Order(StringComparer.Ordinal))
        {
            inputs.Add((Path.GetFileName(rle)[..^".expected.rle".Length], RleDecoder.Decode(File.ReadAllBytes(rle))));
        }

        inputs.Add(("dithered_grey_scan_2480x3508", DitheredGreyScan()));
        foreach (string extra in args.Skip(1))
        {
            inputs.Add(("demo_" + Path.GetFileNameWithoutExtension(extra), ImageIntake.Decode(File.ReadAllBytes(extra), IntakeOptions.Default)));
        }

        foreach ((string name, BitImage bits) in inputs)
        {
            File.WriteAllBytes(Path.Combine(output, name + ".pbm"), BitImageWriter.ToPbm(bits));
        }

        Dictionary<string, string[]> reference = RunReference(output);
        var table = new StringBuilder();
        string[] codecs = BilevelCodecs.All.Select(c => c.Name).ToArray();
        table.AppendLine($"| image | pixels | {string.Join(" | ", codecs)} | libtiff G4 (TIFF) | pbmtojbg | Pillow PNG (optimize) |");
        table.AppendLine($"|---|---:|{string.Concat(Enumerable.Repeat("---:|", codecs.Length + 3))}");
        var speed = new StringBuilder();
        speed.AppendLine("| image | G4 ours ms | G4 libtiff ms | ratio | JBIG2 ours end to end ms | pbmtojbg end to end ms | ratio | JBIG2 bytes | pbmtojbg bytes |");
        speed.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        string pbmtojbg = "/usr/bin/pbmtojbg";
        foreach ((string name, BitImage bits) in inputs)
        {
            var sizes = codecs.Select(c => BilevelCodecs.Encode(BilevelCodecs.Get(c), bits).Length.ToString(CultureInfo.InvariantCulture)).ToArray();
            string pbm = Path.Combine(output, name + ".pbm");
            string jbg = Path.Combine(output, name + ".jbg");
            double jbigKitMs = Best(() => RunProcess(pbmtojbg, pbm, jbg));
            long jbigKitBytes = new FileInfo(jbg).Length;
            string[] libtiff = reference[name];
            table.AppendLine($"| {name} | {bits.PixelCount} | {string.Join(" | ", sizes)} | {libtiff[1]} | {jbigKitBytes} | {libtiff[3]} |");

            double g4Ms = Best(() => BilevelCodecs.Encode(BilevelCodecs.Get("g4"), bits));
            string ours = Path.Combine(output, name + ".jb2");
            double jbig2Ms = Best(() =>
            {
                // End to end like pbmtojbg: read the PBM file, decode it, encode, write the file.
                using BitImage read = PbmCodec.Instance.Decode(File.ReadAllBytes(pbm), long.MaxValue);
                File.WriteAllBytes(ours, BilevelCodecs.Encode(BilevelCodecs.Get("jbig2"), read));
            });
            double libtiffMs = double.Parse(libtiff[4], CultureInfo.InvariantCulture);
            speed.AppendLine(
                $"| {name} | {g4Ms:0.000} | {libtiffMs:0.000} | {libtiffMs / g4Ms:0.0}x | {jbig2Ms:0.00} | {jbigKitMs:0.00} | {jbigKitMs / jbig2Ms:0.0}x | {new FileInfo(ours).Length} | {jbigKitBytes} |");
        }

        string report = "## Bytes per codec\n\n" + table + "\n## Speed (best of " + Repeat + ")\n\n" + speed;
        File.WriteAllText(Path.Combine(output, "codecs.md"), report);
        Console.WriteLine(report);
        Console.WriteLine($"(written to {Path.Combine(output, "codecs.md")})");
        return 0;
    }

    // A 300-dpi A4 "scan": a grey gradient with darker blocks of text-like strokes and mild noise, as an 8-bit
    // greyscale PNG through the intake, so the bits are what the server makes of a grey input (Floyd-Steinberg).
    private static BitImage DitheredGreyScan()
    {
        const int width = 2480, height = 3508;
        var random = new Random(15);
        using var grey = new Image<L8>(width, height);
        grey.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    int value = 235 - (x * 40 / width) - (y * 30 / height) + random.Next(-6, 7);
                    bool stroke = y % 60 < 34 && x % 23 < 3 && (x / 23 + y / 60) % 5 != 0 && y > 300 && y < height - 300;
                    bool photo = x > 300 && x < 1300 && y > 2200 && y < 3000;
                    if (photo)
                    {
                        value = 40 + (int)(100 * (1 + Math.Sin(x / 37.0) * Math.Cos(y / 23.0)));
                    }

                    row[x] = new L8((byte)Math.Clamp(stroke ? value - 170 : value, 0, 255));
                }
            }
        });
        using var png = new MemoryStream();
        grey.SaveAsPng(png);
        return ImageIntake.Decode(png.ToArray(), IntakeOptions.Default);
    }

    private static Dictionary<string, string[]> RunReference(string folder)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Codecs", "reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(Repeat.ToString(CultureInfo.InvariantCulture));
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"reference.py failed with exit code {process.ExitCode} (Debian's python3-pil is required)");
        }

        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(f => f[0]);
    }

    private static void RunProcess(string program, string input, string output)
    {
        using Process process = Process.Start(program, [input, output]) ?? throw new InvalidOperationException($"{program} did not start");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed with exit code {process.ExitCode}");
        }
    }

    private static double Best(Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < Repeat; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return best;
    }

    private static double Best(Func<byte[]> action) => Best(() => { _ = action(); });
}
