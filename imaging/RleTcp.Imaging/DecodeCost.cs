using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;

namespace RleTcp.Imaging;

/// <summary>
/// What decoding an image will cost in memory, read from its header alone (nothing is decoded), so a server can admit
/// the decode against a memory budget before spending anything: a 62-byte WebP that declares 10000x10000 pixels costs
/// ~700 MiB once decoded, and the pixel limit alone does not bound the sum of several.
/// </summary>
/// <remarks>
/// The figure is the declared pixel count times the bytes per pixel the decode path holds at its peak: the packed
/// <c>BitImage</c> (1/8 byte) plus, for images a library decodes, its pixel buffer and working buffers. The per-format
/// figures are the peaks measured on this code (6000x6000 and 10000x10000 inputs, the process's peak RSS less its
/// payload and answer), rounded up to the colour case, so an estimate errs high, never low.
/// </remarks>
public static class DecodeCost
{
    // Bytes per pixel on each decode path (measured peaks, see the remarks; colour, the costlier case, for all modes).
    private const double OwnBitReader = 0.25;          // packed rows straight into the BitImage, plus a row or two
    private const double WebpLossless = 11.0;          // ARGB words + transform buffers + the Rgb24 image (1.06 GiB for 100 MP)
    private const double WebpLossy = 8.0;              // YUV planes + the Rgb24 image (710 MiB measured for 100 MP)
    private const double Jpeg = 9.0;                   // component planes + the Rgb24 image; libjpeg-turbo keeps a progressive file's coefficients natively (2 B/sample, 6 for 4:4:4)
    private const double Gif = 5.5;                    // the index frame + the Rgba32 image (4.5 measured)
    private const double Png = 5.5;                    // scanlines (Adam7 passes) + up to an Rgba32 image (2.2 grey)
    private const double Bmp = 7.0;                    // row buffers + the image (3.5 grey)
    private const double Tiff = 8.0;                   // a decoded strip + the image (formats without a reader of ours)
    private const double Pnm = 7.0;                    // an Rgb48 image (6) + a row
    private const double Tga = 5.0;
    private const double Packed = 0.125;               // the BitImage every path ends in

    /// <summary>
    /// The bytes decoding <paramref name="data"/> is expected to hold at its peak, from the header alone; 0 when the
    /// payload is not a recognisable image with a readable size (the decode then refuses it without spending anything
    /// that counts).
    /// </summary>
    /// <remarks>Never throws for a hostile payload: any header the estimate cannot read is left to the decode.</remarks>
    public static long EstimateBytes(ReadOnlyMemory<byte> data, IntakeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ReadOnlySpan<byte> bytes = data.Span;
        if (bytes.IsEmpty)
        {
            return 0;
        }

        try
        {
            // The 1-bit PNG and BMP that the intake reads itself are sized from their fixed headers, before ImageSharp's
            // format detection (which allocates its detector list on every call: ~250 B a request).
            if (bytes.Length >= 33 && bytes[..8].SequenceEqual(PngSignature) && IsPacked1BitPng(bytes))
            {
                return Charge(ReadBigEndian(bytes, 16), ReadBigEndian(bytes, 20), OwnBitReader, options);
            }

            if (bytes is [(byte)'B', (byte)'M', ..] && IsUncompressed1BitBmp(bytes))
            {
                int rows = BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]);
                return Charge(BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]), rows == int.MinValue ? 0 : Math.Abs(rows), OwnBitReader, options);
            }

            Configuration configuration = ImageSharpConfigurations.For(options.AllowedFormats);
            IImageFormat? format = Image.DetectFormat(configuration, bytes);
            if (format is null)
            {
                return 0;
            }

            (int width, int height, double perPixel) = format switch
            {
                PbmFormat when bytes is [(byte)'P', (byte)'4', ..] => Identified(configuration, data, OwnBitReader),
                WebpFormat => Identified(configuration, data, IsLosslessWebp(bytes) ? WebpLossless : WebpLossy),
                JpegFormat => Identified(configuration, data, Jpeg),
                GifFormat => Identified(configuration, data, Gif),
                PngFormat => Identified(configuration, data, Png),
                BmpFormat => Identified(configuration, data, Bmp),
                TiffFormat => RleTcp.Imaging.Formats.TiffIntake.Cost(bytes, options),
                PbmFormat => Identified(configuration, data, Pnm),
                TgaFormat => Identified(configuration, data, Tga),
                _ => Identified(configuration, data, Tiff),
            };
            return Charge(width, height, perPixel, options);
        }
        catch (Exception)
        {
            // A header ImageSharp cannot identify: the decode refuses it as InvalidImage before allocating pixels.
            return 0;
        }
    }

    private static long Charge(int width, int height, double perPixel, IntakeOptions options)
    {
        if (width <= 0 || height <= 0)
        {
            return 0;
        }

        // Past the pixel limit the decode refuses the image from its header; charging it would only make a refusal
        // look like a lack of memory.
        long pixels = (long)width * height;
        return pixels > options.MaxPixels ? 0 : (long)Math.Ceiling(pixels * (perPixel + Packed));
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static (int Width, int Height, double PerPixel) Identified(Configuration configuration, ReadOnlyMemory<byte> data, double perPixel)
    {
        using var stream = AsStream(data);
        IImageInfo? info = Image.Identify(configuration, stream);
        return info is null ? (0, 0, perPixel) : (info.Width, info.Height, perPixel);
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static int ReadBigEndian(ReadOnlySpan<byte> bytes, int offset) =>
        (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]), int.MaxValue);

    // IHDR at its fixed place: bit depth 1, grey or palette, not interlaced (what the intake's own reader takes).
    private static bool IsPacked1BitPng(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 29 && bytes.Slice(12, 4).SequenceEqual("IHDR"u8) && bytes[24] == 1 && bytes[25] is 0 or 3 && bytes[28] == 0;

    // BITMAPINFOHEADER and later: bits per pixel at 28, compression at 30 (0 = BI_RGB).
    private static bool IsUncompressed1BitBmp(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 34 && BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]) >= 40
        && BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]) == 1 && BinaryPrimitives.ReadUInt32LittleEndian(bytes[30..]) == 0;

    // The first image chunk after the RIFF header (past a VP8X and its metadata chunks) says lossless (VP8L) or lossy.
    private static bool IsLosslessWebp(ReadOnlySpan<byte> bytes)
    {
        int offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            ReadOnlySpan<byte> fourcc = bytes.Slice(offset, 4);
            if (fourcc.SequenceEqual("VP8L"u8))
            {
                return true;
            }

            if (fourcc.SequenceEqual("VP8 "u8))
            {
                return false;
            }

            long size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4)..]);
            long next = offset + 8L + size + (size & 1);
            if (next > bytes.Length)
            {
                break;
            }

            offset = (int)next;
        }

        // Unknown: the costlier path.
        return true;
    }
}
