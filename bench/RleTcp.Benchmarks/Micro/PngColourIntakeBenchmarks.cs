using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// The grey and colour PNG intake (our <c>PngReader</c>: inflate, unfilter, Pillow's dither, straight to bits) on
/// the 2550x3300 text page written as 8-bit grey, 8-bit RGB and Adam7 grey PNG, against ImageSharp 2.1.13's
/// <c>Image.Load&lt;L8&gt;</c> of the same bytes (the baseline: what the intake used to start with, before its
/// own conversion pass).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class PngColourIntakeBenchmarks
{
    private byte[] _bytes = null!;

    /// <summary>How the page is stored.</summary>
    [Params("grey8", "rgb8", "grey8-adam7")]
    public string Layout { get; set; } = "grey8";

    /// <summary>Writes the page once, with greys so the dither has work (black 0, white 255, grey edges).</summary>
    [GlobalSetup]
    public void Setup()
    {
        using BitImage page = BenchImages.Create(BenchImage.TextPage);
        using var grey = new Image<L8>(page.Width, page.Height);
        for (int y = 0; y < page.Height; y++)
        {
            for (int x = 0; x < page.Width; x++)
            {
                grey[x, y] = new L8(page[x, y] ? (byte)255 : (byte)((x + y) % 96));
            }
        }

        var encoder = new PngEncoder
        {
            ColorType = Layout.StartsWith("rgb", StringComparison.Ordinal) ? PngColorType.Rgb : PngColorType.Grayscale,
            BitDepth = PngBitDepth.Bit8,
            InterlaceMethod = Layout.EndsWith("adam7", StringComparison.Ordinal) ? PngInterlaceMode.Adam7 : PngInterlaceMode.None,
        };
        using var encoded = new MemoryStream();
        grey.Save(encoded, encoder);
        _bytes = encoded.ToArray();
    }

    /// <summary>ImageSharp decoding the same bytes to one byte per pixel (no conversion to bits yet).</summary>
    [Benchmark(Baseline = true)]
    public int ImageSharpLoadL8()
    {
        using Image<L8> image = SixLabors.ImageSharp.Image.Load<L8>(_bytes);
        return image.Height;
    }

    /// <summary>The intake as the server runs it: decoded and dithered to bits.</summary>
    [Benchmark]
    public int Intake()
    {
        using BitImage image = ImageIntake.Decode(_bytes, IntakeOptions.Default);
        return image.Height;
    }
}
