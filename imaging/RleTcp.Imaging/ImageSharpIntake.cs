using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.PixelFormats;

using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging;

/// <summary>
/// The general path: ImageSharp decodes the file once, into the cheapest exact pixel type, and each row is
/// turned into bits as Pillow would.
/// </summary>
internal static class ImageSharpIntake
{
    /// <summary>Decodes with ImageSharp into <paramref name="pixel"/> and converts by <paramref name="mode"/>'s rule.</summary>
    public static BitImage Decode(
        Configuration configuration,
        IImageFormat format,
        ReadOnlySpan<byte> data,
        PillowMode mode,
        DecodePixel pixel,
        IntakeOptions options,
        CancellationToken ct,
        int orientation = 1)
    {
        switch (pixel)
        {
            case DecodePixel.L8:
            {
                using Image<L8> image = Image.Load<L8>(configuration, data);
                return Convert(image, mode, options, ct, orientation, static (writer, row, y) => writer.WriteGrey(y, row));
            }

            case DecodePixel.Rgb24 when format is TgaFormat && data.Length > 16 && data[2] is 2 or 10 && data[16] == 16:
            {
                // 16-bit true colour (5-5-5): Pillow widens each channel as v * 255 / 31, truncated ("BGR;5");
                // ImageSharp's widening keeps v in the top five bits, so the channel is re-widened Pillow's way.
                using Image<Rgb24> image = Image.Load<Rgb24>(configuration, data);
                return Convert(image, mode, options, ct, orientation, static (writer, row, y) =>
                {
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] = Tga16Channel[row[i]];
                    }

                    writer.WriteRgb(y, row, 3);
                });
            }

            default:
            {
                using Image<Rgb24> image = Image.Load<Rgb24>(configuration, data);
                return Convert(image, mode, options, ct, orientation, static (writer, row, y) => writer.WriteRgb(y, row, 3));
            }
        }
    }

    // Pillow's value of a 5-bit channel, indexed by any 8-bit widening of it that keeps it in the top five bits.
    private static readonly byte[] Tga16Channel = Enumerable.Range(0, 256).Select(v => (byte)((v >> 3) * 255 / 31)).ToArray();

    private delegate void RowAction(BilevelRowWriter writer, Span<byte> row, int y);

    private static BitImage Convert<TPixel>(
        Image<TPixel> decoded, PillowMode mode, IntakeOptions options, CancellationToken ct, int orientation, RowAction writeRow)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        // A TIFF's Orientation turns the pixels before they are dithered, as Pillow does on load.
        using Image<TPixel> source = TiffOrientation.Apply(decoded, orientation);
        // The decoded size is authoritative (a GIF frame can differ from its screen); check it again.
        ImageIntake.CheckSize(source.Width, source.Height, options);
        bool dither = options.Mode == ConversionMode.Pillow && mode is PillowMode.Grey or PillowMode.Colour;
        BitImage result = BitImage.CreatePooled(source.Width, source.Height);
        try
        {
            using var writer = new BilevelRowWriter(result, dither, options.Level);
            for (int y = 0; y < source.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                Span<byte> row = MemoryMarshal.AsBytes(source.DangerousGetPixelRowMemory(y).Span);
                writeRow(writer, row, y);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
