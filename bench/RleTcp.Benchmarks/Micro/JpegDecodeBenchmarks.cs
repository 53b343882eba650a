using System.Buffers;
using BenchmarkDotNet.Attributes;
using BitMiracle.LibJpeg.Classic;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging;
using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// JPEG decoders on the 2550x3300 scan page (<see cref="ScanPages"/>, quality 85): ImageSharp 2.1.13 (the baseline,
/// to the pixel type the intake asks it for), libjpeg-turbo's TurboJPEG API (what Debian's Pillow decodes with), and
/// BitMiracle.LibJpeg.NET (a managed port of libjpeg 6b, the NuGet alternative), and the whole intake (libjpeg-turbo,
/// then Pillow's conversion to bits). The setup prints whether BitMiracle's pixels equal libjpeg-turbo's (which the
/// differential test gen_jpeg holds equal to Pillow's).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class JpegDecodeBenchmarks
{
    private byte[] _bytes = null!;

    /// <summary>Grey, or YCbCr with 4:2:0 or 4:4:4 chroma.</summary>
    [Params("grey", "rgb420", "rgb444")]
    public string Page { get; set; } = "grey";

    /// <summary>Encodes the page once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ScanEncoding encoding = Page switch
        {
            "grey" => ScanEncoding.GreyJpeg,
            "rgb420" => ScanEncoding.RgbJpeg420,
            _ => ScanEncoding.RgbJpeg444,
        };
        _bytes = ScanPages.Encode(2550, 3300, encoding);
        if (!TurboJpeg.IsAvailable)
        {
            throw new InvalidOperationException("libturbojpeg.so.0 is missing (Debian libturbojpeg0).");
        }

        byte[] turbo = TurboJpegReader.TryDecodePixels(_bytes, long.MaxValue, out int width, out int height, out int channels)!;
        byte[] managed = DecodeWithBitMiracle(_bytes);
        int length = width * height * channels;
        int differing = 0;
        for (int i = 0; i < length; i++)
        {
            differing += turbo[i] != managed[i] ? 1 : 0;
        }

        Console.WriteLine($"// {Page}: BitMiracle.LibJpeg.NET vs libjpeg-turbo: {differing} of {length} samples differ");
        ArrayPool<byte>.Shared.Return(turbo);
    }

    /// <summary>BitMiracle.LibJpeg.NET's decode (libjpeg's defaults: islow IDCT, fancy upsampling), row by row.</summary>
    [Benchmark]
    public int BitMiracle() => DecodeWithBitMiracle(_bytes).Length;

    /// <summary>ImageSharp's decode, to L8 for grey and Rgb24 for colour (what the intake asked it for).</summary>
    [Benchmark(Baseline = true)]
    public int ImageSharp()
    {
        if (Page == "grey")
        {
            using Image<L8> grey = SixLabors.ImageSharp.Image.Load<L8>(_bytes);
            return grey.Height;
        }

        using Image<Rgb24> colour = SixLabors.ImageSharp.Image.Load<Rgb24>(_bytes);
        return colour.Height;
    }

    /// <summary>libjpeg-turbo's decode to grey or RGB bytes.</summary>
    [Benchmark]
    public int TurboJpegDecode()
    {
        byte[] pixels = TurboJpegReader.TryDecodePixels(_bytes, long.MaxValue, out _, out int height, out _)
            ?? throw new InvalidOperationException("libjpeg-turbo declined the page.");
        ArrayPool<byte>.Shared.Return(pixels);
        return height;
    }

    /// <summary>The whole intake: libjpeg-turbo, then Pillow's dither (of the luma, for colour) to bits.</summary>
    [Benchmark]
    public int Intake()
    {
        using BitImage image = ImageIntake.Decode(_bytes, IntakeOptions.Default);
        return image.Height;
    }

    private static byte[] DecodeWithBitMiracle(byte[] bytes)
    {
        var decompress = new jpeg_decompress_struct();
        using var stream = new MemoryStream(bytes, writable: false);
        decompress.jpeg_stdio_src(stream);
        decompress.jpeg_read_header(true);
        decompress.jpeg_start_decompress();
        int stride = decompress.Output_width * decompress.Output_components;
        byte[] pixels = new byte[stride * decompress.Output_height];
        byte[][] row = jpeg_common_struct.AllocJpegSamples(stride, 1);
        while (decompress.Output_scanline < decompress.Output_height)
        {
            int y = decompress.Output_scanline;
            decompress.jpeg_read_scanlines(row, 1);
            row[0].AsSpan(0, stride).CopyTo(pixels.AsSpan(y * stride));
        }

        decompress.jpeg_finish_decompress();
        return pixels;
    }
}
