using CsCheck;

using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// A PNG of several blocks of rows with <see cref="IntakeOptions.Helpers"/> (<c>PngPipeline</c>: unfilter on one
/// thread, convert on another; with an idle helper, 8-bit grey also inflates there block by block, and here every
/// continuous-tone layout, <see cref="IntakeOptions.StreamEveryLayout"/>) against the one-thread intake: the same bits
/// and the same refusals, whoever runs which half, including a caller that does everything because no helper ever
/// comes, and a helper that comes late.
/// </summary>
[Trait("Category", "Unit")]
public class PngPipelineTests
{
    [Fact]
    public void Two_threads_give_the_bits_of_one_for_every_layout_and_filter()
    {
        // Rows of 301 bytes: 435 to a 128 KiB block, so 436-1400 rows are two to four blocks, the last one partial.
        Gen<(int Width, int Height, byte ColorType, byte BitDepth, int Seed, bool Threshold)> pages =
            from layout in Gen.OneOfConst(Layouts)
            from height in Gen.Int[436, 1400]
            from seed in Gen.Int
            from threshold in Gen.Bool
            select (300 / Channels(layout.Item1, layout.Item2), height, layout.Item1, layout.Item2, seed, threshold);
        pages.Sample(p =>
        {
            byte[] file = Page(p.Width, p.Height, p.ColorType, p.BitDepth, p.Seed, badFilterRow: -1);
            IntakeOptions one = p.Threshold ? IntakeOptions.Default with { Mode = ConversionMode.Threshold } : IntakeOptions.Default;
            using BitImage expected = ImageIntake.Decode(file, one);
            foreach ((string name, IIntakeHelpers helpers) in AllHelpers(p.Seed))
            {
                using BitImage image = ImageIntake.Decode(file, one with { Helpers = helpers, StreamEveryLayout = true });
                Assert.True(expected.Equals(image), $"{p.Width}x{p.Height} type {p.ColorType}/{p.BitDepth}: {name} differs.");
            }
        }, iter: 24, threads: 1);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(900)]
    public void An_unknown_filter_is_refused_with_the_one_thread_message(int badRow)
    {
        byte[] file = Page(300, 1000, 0, 8, seed: 7, badFilterRow: badRow);

        string one = Refusal(file, IntakeOptions.Default);
        foreach ((string name, IIntakeHelpers helpers) in AllHelpers(badRow))
        {
            Assert.True(one == Refusal(file, IntakeOptions.Default with { Helpers = helpers, StreamEveryLayout = true }), name);
        }

        Assert.Contains($"row {badRow}", one, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rows cut", -1)]
    [InlineData("rows cut", 5)]
    [InlineData("zlib cut", -1)]
    [InlineData("zlib cut", 5)]
    [InlineData("zlib corrupt", -1)]
    [InlineData("zlib corrupt", 5)]
    public void A_broken_stream_is_refused_with_the_one_thread_message_when_inflated_block_by_block(string how, int badFilterRow)
    {
        // 1000 rows of 301 bytes, three blocks: cut or corrupt around the middle block. A bad filter above the break is
        // refused for the filter (the one-thread path unfilters each block before it inflates the next).
        byte[] whole = Page(300, 1000, 0, 8, seed: 3, badFilterRow: badFilterRow);
        byte[] file = how switch
        {
            "rows cut" => Page(300, 1000, 0, 8, seed: 3, badFilterRow: badFilterRow, rows: 613),
            "zlib cut" => HandBuiltFiles.WithIdatCutShort(whole),
            _ => HandBuiltFiles.WithIdatCorrupted(whole),
        };

        string one = Refusal(file, IntakeOptions.Default);
        foreach ((string name, IIntakeHelpers helpers) in AllHelpers(badFilterRow))
        {
            Assert.True(one == Refusal(file, IntakeOptions.Default with { Helpers = helpers, StreamEveryLayout = true }), $"{name}: {one}");
        }

        // Inverted deflate bytes may still inflate, to garbage whose filter byte is refused: the verdict is the one thread's.
        string expected = badFilterRow >= 0 ? "The PNG row 5 " : how switch
        {
            "rows cut" => "The PNG image data is truncated: it ends at row 613 of 1000.",
            "zlib cut" => "The PNG image data is truncated",
            _ => "The PNG ",
        };
        Assert.StartsWith(expected, one, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_longer_than_the_image_gives_the_one_thread_bits_when_inflated_block_by_block()
    {
        // libdeflate defers such a stream to ZLibStream, which stops at the last scanline; so does the streaming side.
        byte[] file = Page(300, 1000, 2, 8, seed: 5, badFilterRow: -1, rows: 1300);

        using BitImage expected = ImageIntake.Decode(file, IntakeOptions.Default);
        foreach ((string name, IIntakeHelpers helpers) in AllHelpers(5))
        {
            using BitImage image = ImageIntake.Decode(file, IntakeOptions.Default with { Helpers = helpers, StreamEveryLayout = true });
            Assert.True(expected.Equals(image), name);
        }
    }

    [Fact]
    public void Cancellation_while_blocks_are_inflated_stops_the_intake_whoever_runs_which_side()
    {
        byte[] file = Page(300, 1400, 0, 16, seed: 9, badFilterRow: -1);
        using BitImage expected = ImageIntake.Decode(file, IntakeOptions.Default);

        // Cancelled between the two work items: the helper's has inflated and unfiltered every block, none converted.
        using (var cts = new CancellationTokenSource())
        {
            var helpers = new InlineHelpers(reverse: true, idle: true, afterFirst: cts.Cancel);
            Assert.ThrowsAny<OperationCanceledException>(() => ImageIntake.Decode(file, IntakeOptions.Default with { Helpers = helpers, StreamEveryLayout = true }, cts.Token).Dispose());
        }

        // Cancelled at any moment on two threads: stopped, or finished with the one-thread bits; never a hang or other fault.
        for (int delay = 0; delay < 12; delay++)
        {
            using var cts = new CancellationTokenSource();
            var helpers = new ThreadHelpers(idle: true, startDelayMs: delay % 3, whenStarted: () => cts.CancelAfter(delay));
            try
            {
                using BitImage image = ImageIntake.Decode(file, IntakeOptions.Default with { Helpers = helpers, StreamEveryLayout = true }, cts.Token);
                Assert.True(expected.Equals(image), $"finished after a cancellation at {delay} ms with other bits");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    // Grey 8/16, RGB, RGBA, grey + alpha (inflated block by block with an idle helper here), and a palette (never).
    private static readonly (byte, byte)[] Layouts = [(0, 8), (2, 8), (6, 8), (0, 16), (4, 8), (6, 16), (3, 8)];

    private static int Channels(byte colorType, byte bitDepth) =>
        (colorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 }) * (bitDepth / 8);

    // Whoever runs which side: libdeflate's whole image (no idle helper) and the streaming mode (an idle helper), each
    // on two threads, the helper's index first, and the caller alone; the streaming mode also with a late helper.
    private static (string Name, IIntakeHelpers Helpers)[] AllHelpers(int seed) =>
    [
        ("two threads", new ThreadHelpers(idle: false)),
        ("the helper running every block first", new InlineHelpers(reverse: true, idle: false)),
        ("the caller running every block itself", new InlineHelpers(reverse: false, idle: false)),
        ("two threads, streaming", new ThreadHelpers(idle: true)),
        ("a late helper, streaming", new ThreadHelpers(idle: true, startDelayMs: 1 + (Math.Abs(seed) % 4))),
        ("the helper inflating every block first, streaming", new InlineHelpers(reverse: true, idle: true)),
        ("the caller inflating every block itself, streaming", new InlineHelpers(reverse: false, idle: true)),
    ];

    private static string Refusal(byte[] file, IntakeOptions options) =>
        Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, options).Dispose()).Message;

    // Random residuals under random filters (runs of Paeth long enough for the four-row groups), a 256-entry palette
    // for type 3; badFilterRow >= 0 gets the filter type 7. The stream holds `rows` scanlines (fewer or more than the
    // image's height: cut short, or longer than the image).
    private static byte[] Page(int width, int height, byte colorType, byte bitDepth, int seed, int badFilterRow, int? rows = null)
    {
        int rowBytes = width * Channels(colorType, bitDepth);
        int scanlines = rows ?? height;
        var random = new Random(seed);
        var data = new byte[(rowBytes + 1) * scanlines];
        random.NextBytes(data);
        for (int y = 0; y < scanlines; y++)
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
}
