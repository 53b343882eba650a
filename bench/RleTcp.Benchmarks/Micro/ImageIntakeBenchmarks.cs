using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Image intake per format on the 7200x5600 line-art page: the fast paths to packed bits against ImageSharp's
/// <c>Image.Load&lt;L8&gt;</c> of the same bytes (the baseline, so Ratio = intake time / ImageSharp time; the
/// issue's target is at least 20x faster, a ratio of 0.05 or less). The intake with its fast paths switched off
/// shows what the same bytes cost through the general route (for PNG: our general <c>PngReader</c>; BMP and PBM
/// have no separate fast path any more, their readers are the only route).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class ImageIntakeBenchmarks
{
    private byte[] _bytes = null!;

    /// <summary>The image (one value; here so the MPix/s column knows the pixel count).</summary>
    [Params(BenchImage.LineArt)]
    public BenchImage Image { get; set; }

    /// <summary>The encoded form.</summary>
    [Params(IntakeFormat.Bmp1Bit, IntakeFormat.Pbm, IntakeFormat.Png1Bit, IntakeFormat.Png1BitUp)]
    public IntakeFormat Format { get; set; }

    /// <summary>Writes the image in the format once; checks the fast path reads it back exactly.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using BitImage image = BenchImages.Create(Image);
        _bytes = EncodedImages.Write(image, Format);
        using BitImage back = ImageIntake.Decode(_bytes, IntakeOptions.Default);
        if (!back.Equals(image))
        {
            throw new InvalidOperationException($"The {Format} intake does not give the image back.");
        }
    }

    /// <summary>ImageSharp decoding the same bytes to one byte per pixel.</summary>
    [Benchmark(Baseline = true)]
    public int ImageSharpLoadL8()
    {
        using Image<L8> image = SixLabors.ImageSharp.Image.Load<L8>(_bytes);
        return image.Height;
    }

    /// <summary>The intake as the server runs it (fast path for these formats).</summary>
    [Benchmark]
    public int IntakeFastPath()
    {
        using BitImage image = ImageIntake.Decode(_bytes, IntakeOptions.Default);
        return image.Height;
    }

    /// <summary>The intake with its fast paths off: the general reader plus the Pillow-exact conversion.</summary>
    [Benchmark]
    public int IntakeViaImageSharp()
    {
        using BitImage image = ImageIntake.Decode(_bytes, IntakeOptions.Default, useFastPaths: false, CancellationToken.None);
        return image.Height;
    }
}
