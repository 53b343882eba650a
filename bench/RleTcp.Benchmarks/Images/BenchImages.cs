using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Images;

/// <summary>Makes the benchmark inputs, and knows their sizes without making them (for the report columns).</summary>
public static class BenchImages
{
    /// <summary>The vector page decoded for <see cref="BenchImage.TextPage"/>.</summary>
    public const string TextPageRle = "page_libtasn1_p15.expected.rle";

    /// <summary>The size of the generated line-art page, the 7200x5600.</summary>
    public const int LineArtWidth = 7200, LineArtHeight = 5600;

    /// <summary>The size of the noise image: a 300-dpi letter page.</summary>
    public const int NoiseWidth = 2550, NoiseHeight = 3300;

    /// <summary>Makes (or loads) the image.</summary>
    public static BitImage Create(BenchImage which) => which switch
    {
        BenchImage.TextPage => RleDecoder.Decode(File.ReadAllBytes(VectorFiles.PathOf(TextPageRle))),
        BenchImage.LineArt => LineArtGenerator.Create(LineArtWidth, LineArtHeight),
        BenchImage.Noise => NoiseGenerator.Create(NoiseWidth, NoiseHeight),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    /// <summary>The pixel count of the image, cheaply (the text page's comes from its RLE header).</summary>
    public static long PixelCount(BenchImage which)
    {
        switch (which)
        {
            case BenchImage.TextPage:
                Span<byte> header = stackalloc byte[RleFormat.HeaderSize];
                using (FileStream file = File.OpenRead(VectorFiles.PathOf(TextPageRle)))
                {
                    file.ReadExactly(header);
                }

                RleDecoder.TryReadHeader(header, out int width, out int height);
                return (long)width * height;
            case BenchImage.LineArt:
                return (long)LineArtWidth * LineArtHeight;
            case BenchImage.Noise:
                return (long)NoiseWidth * NoiseHeight;
            default:
                throw new ArgumentOutOfRangeException(nameof(which));
        }
    }
}
