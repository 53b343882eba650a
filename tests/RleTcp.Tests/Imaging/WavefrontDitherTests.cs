using CsCheck;

using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The dither of one image on several threads (<see cref="WavefrontDither"/>) against the readable reference
/// <see cref="PillowBilevel.Dither"/>: groups of four rows following each other across threads must give the same
/// bits as one row after another.
/// </summary>
[Trait("Category", "Unit")]
public class WavefrontDitherTests
{
    // Small chunks make the groups wait for each other at almost every step; heights around the 4-row groups.
    private static readonly Gen<(int Width, int Height, byte[] Values, int Threads, int Chunk)> Cases =
        from width in Gen.OneOf(Gen.Int[1, 9], Gen.Int[60, 70], Gen.Int[1, 300])
        from height in Gen.Int[1, 41]
        from noise in Gen.Bool
        from values in (noise ? Gen.Byte : Gen.Byte[120, 136]).Array[width * height]
        from threads in Gen.Int[1, 4]
        from chunk in Gen.OneOf(Gen.Int[1, 8], Gen.Const(WavefrontDither.ChunkSteps))
        select (width, height, values, threads, chunk);

    [Fact]
    public void Wavefront_on_several_threads_equals_the_reference_dither()
    {
        Cases.Sample(c =>
        {
            using var bits = new BitImage(c.Width, c.Height);
            using (var dither = new WavefrontDither(c.Values, c.Width, bits, c.Chunk))
            {
                var helpers = new Thread[c.Threads - 1];
                for (int i = 0; i < helpers.Length; i++)
                {
                    helpers[i] = new Thread(dither.Help);
                    helpers[i].Start();
                }

                dither.Run();
                foreach (Thread helper in helpers)
                {
                    helper.Join();
                }
            }

            using BitImage expected = Reference(c.Width, c.Height, c.Values);
            Assert.Equal(expected, bits);
        }, iter: 300);
    }

    [Fact]
    public void Wavefront_through_the_thread_pool_equals_the_reference_on_a_page()
    {
        const int width = 1000, height = 203;
        byte[] values = new byte[width * height];
        new Random(14).NextBytes(values);
        using var bits = new BitImage(width, height);
        WavefrontDither.Dither(values, width, bits, threads: 2);
        using BitImage expected = Reference(width, height, values);
        Assert.Equal(expected, bits);
    }

    [Fact]
    public void Wavefront_finishes_when_a_helper_ran_every_group_before_the_caller_came()
    {
        const int width = 77, height = 30;
        byte[] values = new byte[width * height];
        new Random(3).NextBytes(values);
        using var bits = new BitImage(width, height);
        using (var dither = new WavefrontDither(values, width, bits, chunkSteps: 5))
        {
            dither.Help();
            dither.Run();
        }

        using BitImage expected = Reference(width, height, values);
        Assert.Equal(expected, bits);
    }

    [Fact]
    public void Wavefront_stops_on_cancellation_and_lets_a_running_helper_out()
    {
        const int width = 500, height = 400;
        byte[] values = new byte[width * height];
        using var bits = new BitImage(width, height);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var dither = new WavefrontDither(values, width, bits, chunkSteps: 3);
        var helper = new Thread(dither.Help);
        helper.Start();
        Assert.Throws<OperationCanceledException>(() => dither.Run(cancelled.Token));
        Assert.True(helper.Join(TimeSpan.FromSeconds(30)), "the helper did not stop after the caller's cancellation");
    }

    private static BitImage Reference(int width, int height, byte[] values)
    {
        var image = new BitImage(width, height);
        int[] errors = new int[width + 1];
        byte[] packed = new byte[BitImage.BytesPerPackedRow(width)];
        for (int y = 0; y < height; y++)
        {
            PillowBilevel.Dither(values.AsSpan(y * width, width), errors, packed);
            image.SetRow(y, packed);
        }

        return image;
    }
}
