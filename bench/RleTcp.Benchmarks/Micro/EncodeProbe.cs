using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// <c>encode-probe [stack]</c>: the encoder timed with a Stopwatch in this process (best of 7 x 50 encodes into a
/// reused writer, memcpy timed the same way), the cross-check of <see cref="RleEncodeBenchmarks"/> that issue 14's
/// rounds 2 and 4 used. <c>stack</c> times the text page called from frames of 16..128 more stack bytes, several
/// rounds, so the JIT's tier-ups show: the encoder's speed must not depend on its caller.
/// </summary>
public static class EncodeProbe
{
    private const int Rounds = 7, Encodes = 50;

    /// <summary>Runs the probe; prints one line per image (or per stack depth).</summary>
    public static int Run(string[] args)
    {
        Console.WriteLine($"RleEncoder.Path = {RleEncoder.Path}");
        if (args.Length > 0 && args[0] == "stack")
        {
            return StackDepths();
        }

        foreach (BenchImage which in Enum.GetValues<BenchImage>())
        {
            using BitImage image = BenchImages.Create(which);
            var copy = new ulong[image.Words.Length];
            ArrayBufferWriter<byte> output = OutputFor(image);
            double memcpy = Best(() => image.Words.CopyTo(copy));
            double chosen = Best(() => Encode(image, output, RleEncoder.Path));
            double scalar = Best(() => Encode(image, output, RleEncoderPath.Scalar));
            Console.WriteLine(
                $"{which}: memcpy {memcpy:F1} us, chosen {chosen:F1} us ({chosen / memcpy:F1}x memcpy), "
                + $"scalar {scalar:F1} us ({scalar / memcpy:F1}x memcpy)");
        }

        return 0;
    }

    private static int StackDepths()
    {
        using BitImage image = BenchImages.Create(BenchImage.TextPage);
        ArrayBufferWriter<byte> output = OutputFor(image);
        for (int round = 0; round < 3; round++)
        {
            for (int pad = 16; pad <= 128; pad += 16)
            {
                int bytes = pad;
                Console.WriteLine($"round {round}, {pad} stack bytes more: {Best(() => EncodeBelow(bytes, image, output)):F1} us");
            }
        }

        return 0;
    }

    private static ArrayBufferWriter<byte> OutputFor(BitImage image) =>
        new(RleEncoder.Encode(image).Length + RleEncoder.MaxRowLength(image.Width));

    private static void Encode(BitImage image, ArrayBufferWriter<byte> output, RleEncoderPath path)
    {
        output.ResetWrittenCount();
        RleEncoder.Encode(image, output, path);
    }

    // The public call, from a frame `bytes` deeper.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EncodeBelow(int bytes, BitImage image, ArrayBufferWriter<byte> output)
    {
        Span<byte> pad = stackalloc byte[bytes];
        pad[0] = 1;
        output.ResetWrittenCount();
        RleEncoder.Encode(image, output);
        GC.KeepAlive(pad[^1]);
    }

    private static double Best(Action action)
    {
        double best = double.MaxValue;
        for (int r = 0; r < Rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Encodes; i++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / Encodes);
        }

        return best;
    }
}
