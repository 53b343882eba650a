using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Protocol.Imaging;

/// <summary>Writes a <see cref="BitImage"/> as a 1-bit PNG (ImageSharp), a 1-bit BMP or a binary PBM (P4) (both by hand).</summary>
public static class BitImageWriter
{
    private static readonly PngEncoder Png = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit1,
    };

    /// <summary>A 1-bit greyscale PNG (ImageSharp's encoder).</summary>
    public static byte[] ToPng(BitImage image) => Encode(image, (img, stream) => img.Save(stream, Png));

    /// <summary>
    /// A 1-bit BMP (BITMAPINFOHEADER, palette black then white, bottom-up rows padded to 4 bytes), which Pillow opens
    /// as mode "1". Written here because ImageSharp 2.1.13's 1-bit BMP encoder corrupts rows at some widths and
    /// throws on widths under 8 (found by this project's round-trip tests).
    /// </summary>
    public static byte[] ToBmp(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        const int pixelOffset = 14 + 40 + 8;
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        int stride = (rowBytes + 3) & ~3;
        long size = pixelOffset + ((long)stride * image.Height);
        byte[] output = new byte[size];
        Span<byte> header = output;
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[10..], pixelOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(header[18..], image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[22..], image.Height);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[34..], (uint)(size - pixelOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(header[46..], 2);
        header.Slice(54 + 4, 3).Fill(255); // entry 0 black (zeros), entry 1 white
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(image.Height - 1 - y, output.AsSpan(pixelOffset + (y * stride), rowBytes));
        }

        return output;
    }

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

    // ImageSharp's 1-bit PNG encoder takes an image of pixels; L8 (0 or 255) is the smallest that holds them exactly.
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
