using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RleTcp.Cli.Common;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Cli.Commands;

/// <summary><c>rletcp compare FILE... [--mode pillow|threshold] [--dpi N]</c>: bytes and time per codec, to pick one.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Image files to compress with every codec.", Arity = ArgumentArity.OneOrMore };
        var mode = CommonOptions.Mode();
        var command = new Command("compare", "Compress images with every codec locally and print the bytes and time of each.") { files, mode };
        command.SetAction((result, cancellationToken) => Task.FromResult(Run(result.GetRequiredValue(files), result.GetValue(mode), cancellationToken)));
        return command;
    }

    private static int Run(FileInfo[] files, ConversionMode mode, CancellationToken cancellationToken)
    {
        var intake = new IntakeOptions { Mode = mode };
        using (var warmUp = new BitImage(256, 64))
        {
            // The first call of each encoder pays for its JIT compilation: pay it here, not in the table.
            foreach (IBilevelCodec codec in BilevelCodecs.All)
            {
                BilevelCodecs.Encode(codec, warmUp);
            }
        }

        int failed = 0;
        foreach (FileInfo file in files)
        {
            try
            {
                byte[] input = File.ReadAllBytes(file.FullName);
                using BitImage bits = ImageIntake.Decode(input, intake, cancellationToken);
                Console.WriteLine($"{file.Name}  {bits.Width}x{bits.Height}  {input.Length} bytes in");
                Console.WriteLine($"  {"codec",-10} {"bytes",12} {"vs rle",8} {"bits/px",8} {"encode ms (best of 3)",22}");
                long rle = 0;
                foreach (IBilevelCodec codec in BilevelCodecs.All)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Best of three: the first call on a large image still runs partly unoptimised (tiered JIT).
                    byte[] encoded = [];
                    double ms = double.MaxValue;
                    for (int run = 0; run < 3; run++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        encoded = BilevelCodecs.Encode(codec, bits);
                        ms = Math.Min(ms, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }

                    rle = rle == 0 ? encoded.Length : rle;
                    string ratio = ((double)encoded.Length / rle).ToString("0.000", CultureInfo.InvariantCulture);
                    string perPixel = (encoded.Length * 8.0 / bits.PixelCount).ToString("0.0000", CultureInfo.InvariantCulture);
                    Console.WriteLine($"  {codec.Name,-10} {encoded.Length,12} {ratio,8} {perPixel,8} {ms.ToString("0.0", CultureInfo.InvariantCulture),22}");
                }
            }
            catch (Exception ex) when (Failures.IsInputFailure(ex))
            {
                failed++;
                Failures.WriteError($"{file.Name}: {Failures.Describe(ex)}");
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
    }
}
