using System.Diagnostics;
using System.Globalization;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Benchmarks.Images;

/// <summary>
/// <c>scans DIR</c> writes the scan pages of issue 14 (<see cref="ScanPages.Files"/>) into DIR;
/// <c>intake [--runs N] FILES...</c> times RleTcp's whole intake of each file in this process (decode + Pillow's
/// conversion to bits, <see cref="ImageIntake.Decode(ReadOnlyMemory{byte}, IntakeOptions, CancellationToken)"/>,
/// what the decode worker runs for a request), best and median of N, as TSV with the same columns as the Pillow
/// peer <c>bench/peers/pillow_convert.py</c>, so the two outputs join on the file name.
/// </summary>
public static class ScansCommand
{
    /// <summary>Runs <c>scans</c>.</summary>
    public static int WriteScans(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: scans DIR");
            return 2;
        }

        Directory.CreateDirectory(args[0]);
        foreach ((string name, int width, int height, ScanEncoding encoding) in ScanPages.Files)
        {
            byte[] bytes = ScanPages.Encode(width, height, encoding);
            File.WriteAllBytes(Path.Combine(args[0], name), bytes);
            Console.WriteLine($"{name}\t{width}x{height}\t{bytes.Length}");
        }

        return 0;
    }

    /// <summary>Runs <c>intake</c>.</summary>
    public static int TimeIntake(string[] args)
    {
        int runs = 5;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length)
            {
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                files.Add(args[i]);
            }
        }

        if (files.Count == 0 || runs < 1)
        {
            Console.Error.WriteLine("usage: intake [--runs N] FILES...");
            return 2;
        }

        Console.WriteLine("tool\tfile\tbytes\twidth\theight\tbest_ms\tmedian_ms\truns");
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            var times = new double[runs];
            int width = 0, height = 0;
            using (BitImage warm = ImageIntake.Decode(bytes, IntakeOptions.Default))
            {
                (width, height) = (warm.Width, warm.Height);
            }

            for (int r = 0; r < runs; r++)
            {
                long start = Stopwatch.GetTimestamp();
                using BitImage image = ImageIntake.Decode(bytes, IntakeOptions.Default);
                times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(times);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"rletcp\t{Path.GetFileName(file)}\t{bytes.Length}\t{width}\t{height}\t{times[0]:F1}\t{times[runs / 2]:F1}\t{runs}"));
        }

        return 0;
    }
}
