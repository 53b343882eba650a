using RleTcp.Imaging;
using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The JPEG row pipeline (<see cref="JpegRowPipeline"/>: libjpeg a few rows at a time through librletcp_jpeg.so while
/// another thread dithers) gives the whole-image path's bits and declines, whichever thread runs which side, in
/// whichever order, with or without a second thread; gen_jpeg.py (the randomized differential) pins the result to
/// Pillow's bytes through the intake, which takes this path.
/// </summary>
[Trait("Category", "Unit")]
public class JpegRowPipelineTests(JpegRowPipelineTests.Files files) : IClassFixture<JpegRowPipelineTests.Files>
{
    public static TheoryData<string> Layouts { get; } =
    [
        "grey_q85", "grey_progressive", "grey_one_pixel", "grey_wide_short", "grey_tall_narrow", "rgb_444", "rgb_422",
        "rgb_420_odd_sides", "rgb_420_progressive", "rgb_444_progressive_optimized", "rgb_one_pixel",
    ];

    public static TheoryData<string> HelperKinds { get; } = ["thread pool", "caller only, converter first", "caller only, decoder first", "dedicated thread"];

    [Fact]
    public void The_scanline_glue_is_built_and_loads_so_a_jpeg_dithers_while_it_decodes()
    {
        Assert.True(
            JpegScanlines.IsAvailable,
            "librletcp_jpeg.so did not load: the build compiles it when gcc and jpeglib.h are present (Debian gcc, libjpeg62-turbo-dev; .ci/run installs them).");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_layout_decodes_row_by_row_to_the_whole_image_paths_bits_dithered_and_thresholded(string layout)
    {
        byte[] jpeg = File.ReadAllBytes(files.Path(layout, ".jpg"));
        foreach (IntakeOptions options in new[] { IntakeOptions.Default, IntakeOptions.Default with { Mode = ConversionMode.Threshold, ThresholdLevel = 97 } })
        {
            using BitImage? whole = TurboJpegReader.TryDecodeWhole(jpeg, options, CancellationToken.None);
            Assert.NotNull(whole);
            foreach (string kind in HelperKinds)
            {
                using BitImage? rows = TurboJpegReader.TryDecodeRows(jpeg, options, Helpers(kind), CancellationToken.None);
                Assert.True(rows is not null, $"{layout}, {kind}: declined");
                Assert.True(whole.Equals(rows), $"{layout}, {kind}, {options.Mode}: the bits differ from the whole-image path");
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelperKinds))]
    public void A_jpeg_cut_inside_its_scan_is_declined_as_by_the_whole_image_path(string kind)
    {
        byte[] jpeg = File.ReadAllBytes(files.Path("rgb_420_odd_sides", ".jpg"));
        byte[] cut = jpeg[..(jpeg.Length * 2 / 3)];

        Assert.Null(TurboJpegReader.TryDecodeWhole(cut, IntakeOptions.Default, CancellationToken.None));
        Assert.Null(TurboJpegReader.TryDecodeRows(cut, IntakeOptions.Default, Helpers(kind), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(HelperKinds))]
    public void A_corrupt_scan_libjpeg_warns_on_is_declined_as_by_the_whole_image_path(string kind)
    {
        byte[] jpeg = File.ReadAllBytes(files.Path("grey_wide_short", ".jpg"));

        // A marker in the middle of the entropy-coded data: libjpeg warns ("Corrupt JPEG data") and pads the rest.
        int scan = ScanStart(jpeg);
        jpeg[scan + ((jpeg.Length - scan) / 2)] = 0xFF;
        jpeg[scan + ((jpeg.Length - scan) / 2) + 1] = 0xD3;

        Assert.Null(TurboJpegReader.TryDecodeWhole(jpeg, IntakeOptions.Default, CancellationToken.None));
        Assert.Null(TurboJpegReader.TryDecodeRows(jpeg, IntakeOptions.Default, Helpers(kind), CancellationToken.None));
    }

    [Fact]
    public void Bytes_that_are_no_jpeg_or_only_its_markers_are_declined()
    {
        Assert.Null(TurboJpegReader.TryDecodeRows([0xFF, 0xD8, 0xFF, 0xD9], IntakeOptions.Default, Helpers("thread pool"), CancellationToken.None));
        Assert.Null(TurboJpegReader.TryDecodeRows("not a jpeg"u8.ToArray(), IntakeOptions.Default, Helpers("thread pool"), CancellationToken.None));
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_declined_before_it_decodes()
    {
        byte[] jpeg = File.ReadAllBytes(files.Path("grey_q85", ".jpg"));

        Assert.Null(TurboJpegReader.TryDecodeRows(jpeg, IntakeOptions.Default with { MaxPixels = (97 * 61) - 1 }, Helpers("thread pool"), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(HelperKinds))]
    public void A_cancelled_decode_throws_and_lets_both_sides_go(string kind)
    {
        byte[] jpeg = File.ReadAllBytes(files.Path("grey_tall_narrow", ".jpg"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => TurboJpegReader.TryDecodeRows(jpeg, IntakeOptions.Default, Helpers(kind), cts.Token));
    }

    private static IIntakeHelpers Helpers(string kind) => kind switch
    {
        "thread pool" => ThreadPoolIntakeHelpers.Shared,
        "caller only, converter first" => new InlineHelpers(reverse: false, idle: false),
        "caller only, decoder first" => new InlineHelpers(reverse: true, idle: false),
        "dedicated thread" => new ThreadHelpers(idle: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // Where the first scan's entropy-coded data starts: after the SOS segment.
    private static int ScanStart(byte[] jpeg)
    {
        for (int i = 2; i + 3 < jpeg.Length;)
        {
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (jpeg[i + 1] == 0xDA)
            {
                return i + 2 + length;
            }

            i += 2 + length;
        }

        throw new InvalidOperationException("No SOS segment.");
    }

    public sealed class Files() : PillowScriptFiles("jpeg_layouts.py");
}
