using System.Runtime.ExceptionServices;

using CsCheck;

using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// A PNG of several blocks of rows with <see cref="IntakeOptions.Helpers"/> (<c>PngPipeline</c>: unfilter on one
/// thread, convert on another) against the one-thread intake: the same bits and the same refusals, whoever runs which
/// half, including a caller that does everything because no helper ever comes.
/// </summary>
[Trait("Category", "Unit")]
public class PngPipelineTests
{
    [Fact]
    public void Two_threads_give_the_bits_of_one_for_every_layout_and_filter()
    {
        // Rows of 301 bytes: 435 to a 128 KiB block, so 436-1400 rows are two to four blocks, the last one partial.
        Gen<(int Width, int Height, byte ColorType, byte BitDepth, int Seed, bool Threshold)> pages =
            from layout in Gen.OneOfConst(((byte)0, (byte)8), ((byte)2, (byte)8), ((byte)6, (byte)8), ((byte)0, (byte)16), ((byte)3, (byte)8))
            from height in Gen.Int[436, 1400]
            from seed in Gen.Int
            from threshold in Gen.Bool
            select (300 / Channels(layout.Item1, layout.Item2), height, layout.Item1, layout.Item2, seed, threshold);
        pages.Sample(p =>
        {
            byte[] file = Page(p.Width, p.Height, p.ColorType, p.BitDepth, p.Seed, badFilterRow: -1);
            IntakeOptions one = p.Threshold ? IntakeOptions.Default with { Mode = ConversionMode.Threshold } : IntakeOptions.Default;
            using BitImage expected = ImageIntake.Decode(file, one);
            using BitImage threads = ImageIntake.Decode(file, one with { Helpers = new ThreadHelpers() });
            using BitImage helperFirst = ImageIntake.Decode(file, one with { Helpers = new InlineHelpers(reverse: true) });
            using BitImage callerAlone = ImageIntake.Decode(file, one with { Helpers = new InlineHelpers(reverse: false) });
            Assert.True(expected.Equals(threads), $"{p.Width}x{p.Height} type {p.ColorType}/{p.BitDepth}: two threads differ.");
            Assert.True(expected.Equals(helperFirst), "the helper running every block first differs");
            Assert.True(expected.Equals(callerAlone), "the caller running every block itself differs");
        }, iter: 24, threads: 1);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(900)]
    public void An_unknown_filter_is_refused_with_the_one_thread_message(int badRow)
    {
        byte[] file = Page(300, 1000, 0, 8, seed: 7, badFilterRow: badRow);

        var one = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, IntakeOptions.Default).Dispose());
        var two = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, IntakeOptions.Default with { Helpers = new ThreadHelpers() }).Dispose());
        var inline = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, IntakeOptions.Default with { Helpers = new InlineHelpers(reverse: true) }).Dispose());

        Assert.Equal(one.Message, two.Message);
        Assert.Equal(one.Message, inline.Message);
        Assert.Contains($"row {badRow}", one.Message, StringComparison.Ordinal);
    }

    private static int Channels(byte colorType, byte bitDepth) => (colorType switch { 2 => 3, 6 => 4, _ => 1 }) * (bitDepth / 8);

    // Random residuals under random filters (runs of Paeth long enough for the four-row groups), a 256-entry palette
    // for type 3; badFilterRow >= 0 gets the filter type 7.
    private static byte[] Page(int width, int height, byte colorType, byte bitDepth, int seed, int badFilterRow)
    {
        int rowBytes = width * Channels(colorType, bitDepth);
        var random = new Random(seed);
        var data = new byte[(rowBytes + 1) * height];
        random.NextBytes(data);
        for (int y = 0; y < height; y++)
        {
            data[y * (rowBytes + 1)] = y == badFilterRow ? (byte)7 : (y / 6) % 3 == 0 ? (byte)random.Next(5) : (byte)4;
        }

        byte[]? palette = null;
        if (colorType == 3)
        {
            palette = new byte[768];
            random.NextBytes(palette);
        }

        return HandBuiltFiles.Png(width, height, bitDepth, colorType, data, palette);
    }

    // Index 1 on a thread of its own while the caller runs index 0, as the executor's idle worker would.
    private sealed class ThreadHelpers : IIntakeHelpers
    {
        public void Run(int count, Action<int> work, CancellationToken cancellationToken)
        {
            ExceptionDispatchInfo? failure = null;
            var others = new List<Thread>();
            for (int i = 1; i < count; i++)
            {
                int index = i;
                var thread = new Thread(() =>
                {
                    try
                    {
                        work(index);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                    }
                });
                thread.Start();
                others.Add(thread);
            }

            try
            {
                work(0);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }

            others.ForEach(t => t.Join());
            failure?.Throw();
        }
    }

    // Every index on the caller, one after the other: no helper ever joins.
    private sealed class InlineHelpers(bool reverse) : IIntakeHelpers
    {
        public void Run(int count, Action<int> work, CancellationToken cancellationToken)
        {
            ExceptionDispatchInfo? failure = null;
            for (int i = 0; i < count; i++)
            {
                try
                {
                    work(reverse ? count - 1 - i : i);
                }
                catch (Exception e)
                {
                    failure ??= ExceptionDispatchInfo.Capture(e);
                }
            }

            failure?.Throw();
        }
    }
}
