using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Images;

/// <summary>Writes a benchmark image in one of the intake formats.</summary>
public static class EncodedImages
{
    /// <summary>The bytes of <paramref name="image"/> as <paramref name="format"/>.</summary>
    public static byte[] Write(BitImage image, IntakeFormat format) => format switch
    {
        IntakeFormat.Bmp1Bit => BitImageWriter.ToBmp(image),
        IntakeFormat.Pbm => BitImageWriter.ToPbm(image),
        IntakeFormat.Png1Bit => BitImageWriter.ToPng(image),
        IntakeFormat.Png1BitUp => PngWithUpFilter(image),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    // Re-encodes the writer's PNG with a fixed filter; the pixels stay the same.
    private static byte[] PngWithUpFilter(BitImage image)
    {
        using Image<L8> pixels = Image.Load<L8>(BitImageWriter.ToPng(image));
        using var output = new MemoryStream();
        pixels.Save(output, new PngEncoder
        {
            ColorType = PngColorType.Grayscale,
            BitDepth = PngBitDepth.Bit1,
            FilterMethod = PngFilterMethod.Up,
        });
        return output.ToArray();
    }
}
