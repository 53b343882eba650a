using System.Buffers;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace RleTcp.Protocol.Imaging;

/// <summary>Writes a <see cref="BitImage"/> as a 1-bit PNG, a 1-bit BMP or a binary PBM (P4).</summary>
public static class BitImageWriter
{
    private static readonly PngEncoder Png = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit1,
    };

    // A fixed black, white palette without dithering: the pixels are already exact, and Pillow opens a BMP
    // with exactly this palette as mode "1".
    private static readonly BmpEncoder Bmp = new()
    {
        BitsPerPixel = BmpBitsPerPixel.Pixel1,
        Quantizer = new PaletteQuantizer(new[] { Color.Black, Color.White }, new QuantizerOptions { Dither = null }),
    };

    /// <summary>A 1-bit greyscale PNG (ImageSharp's encoder).</summary>
    public static byte[] ToPng(BitImage image) => Encode(image, (img, stream) => img.Save(stream, Png));

    /// <summary>A 1-bit BMP with a black, white palette (ImageSharp's encoder).</summary>
    public static byte[] ToBmp(BitImage image) => Encode(image, (img, stream) => img.Save(stream, Bmp));

    /// <summary>
    /// A binary PBM (P4), written here because ImageSharp 2.1.13's P4 encoder is wrong when the width is not a
    /// multiple of 8. In PBM a set bit is black.
    /// </summary>
    public static byte[] ToPbm(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] header = Encoding.ASCII.GetBytes($"P4\n{image.Width} {image.Height}\n");
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        byte[] output = new byte[header.Length + ((long)rowBytes * image.Height)];
        header.CopyTo(output, 0);
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(y, output.AsSpan(header.Length + (y * rowBytes), rowBytes), BitOrder.MsbFirst, invert: true);
        }

        return output;
    }

    // ImageSharp's 1-bit encoders take an image of pixels; L8 (0 or 255) is the smallest that holds them exactly.
    private static byte[] Encode(BitImage image, Action<Image<L8>, Stream> save)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var pixels = new Image<L8>(ImageSharpConfigurations.For(ImageFormats.All), image.Width, image.Height);
        byte[] packed = ArrayPool<byte>.Shared.Rent(BitImage.BytesPerPackedRow(image.Width));
        try
        {
            for (int y = 0; y < image.Height; y++)
            {
                image.CopyRowTo(y, packed);
                Span<L8> row = pixels.DangerousGetPixelRowMemory(y).Span;
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new L8((packed[x >> 3] & (0x80 >> (x & 7))) != 0 ? (byte)255 : (byte)0);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
        }

        using var stream = new MemoryStream();
        save(pixels, stream);
        return stream.ToArray();
    }
}
