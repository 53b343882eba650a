using System.Buffers.Binary;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The TGA side of the intake, as Pillow 9.4's TgaImagePlugin reads the format: every header field checked, the
/// colour map and pixels (raw, or RLE packets walked to the last pixel) required to be in the file, a colour map
/// that starts past index 0 given its leading entries (black, as Pillow pads them), and 1-bit grey TGA, which
/// ImageSharp 2.1.13 does not read, decoded here.
/// </summary>
internal static class TgaIntake
{
    private const int HeaderSize = 18;

    /// <summary>
    /// Checks the file; returns a copy for ImageSharp (a colour map moved to start at index 0) or null when the file
    /// can be decoded as it is.
    /// </summary>
    public static byte[]? Check(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        TgaHeader.CheckSize(data, options);
        int idLength = data[0], mapType = data[1], type = data[2];
        int mapStart = U16(data, 3), mapLength = U16(data, 5), mapDepth = data[7];
        int width = U16(data, 12), height = U16(data, 14), depth = data[16];
        if (mapType is not (0 or 1) || depth is not (1 or 8 or 16 or 24 or 32))
        {
            throw ImageIntakeException.Invalid($"The TGA header is invalid: colour map type {mapType}, depth {depth} (Pillow: not a TGA file).");
        }

        // Pillow's MODES: the only (type, depth) pairs it has a pixel layout for; it decodes nothing for the others.
        bool known = (type & 7, depth) is (1, 8) or (3, 1) or (3, 8) or (3, 16) or (2, 16) or (2, 24) or (2, 32);
        if (type is not (1 or 2 or 3 or 9 or 10 or 11) || !known)
        {
            throw ImageIntakeException.Invalid($"The TGA image type {type} with {depth}-bit pixels has no pixel layout.");
        }

        int entryBytes = (mapDepth + 7) / 8;
        long pixels = HeaderSize + idLength + (mapType == 1 ? (long)mapLength * entryBytes : 0);
        if (pixels > data.Length)
        {
            throw ImageIntakeException.Invalid(
                $"The TGA file is truncated: its ID field and colour map need {pixels} bytes, the file has {data.Length}.");
        }

        if ((type & 8) == 0)
        {
            long needed = depth == 1 ? (long)BitImage.BytesPerPackedRow(width) * height : (long)width * height * (depth / 8);
            if (data.Length - pixels < needed)
            {
                throw ImageIntakeException.Invalid(
                    $"The TGA file is truncated: its {width}x{height} pixels need {needed} bytes, {data.Length - pixels} are present.");
            }
        }
        else
        {
            CheckRlePackets(data[(int)pixels..], (long)width * height, Math.Max(1, depth / 8));
        }

        return mapType == 1 && mapStart > 0 && (type & 7) == 1 ? WithMapFromZero(data, idLength, mapStart, mapLength, entryBytes) : null;
    }

    /// <summary>A 1-bit grey TGA (type 3, depth 1) read as Pillow reads it, or null for any other TGA.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, CancellationToken ct)
    {
        if (data.Length < HeaderSize || data[2] != 3 || data[16] != 1)
        {
            return null;
        }

        int width = U16(data, 12), height = U16(data, 14), flags = data[17];
        int start = HeaderSize + data[0] + (data[1] == 1 ? U16(data, 5) * ((data[7] + 7) / 8) : 0);
        int stride = BitImage.BytesPerPackedRow(width);
        bool topDown = (flags & 0x20) != 0;
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            for (int row = 0; row < height; row++)
            {
                ct.ThrowIfCancellationRequested();
                image.SetRow(topDown ? row : height - 1 - row, data.Slice(start + (row * stride), stride));
            }
        }
        catch
        {
            image.Dispose();
            throw;
        }

        // Right-to-left rows: Pillow mirrors the image after loading it (a bilevel image, so afterwards is exact).
        return (flags & 0x10) != 0 ? TiffOrientation.Apply(image, 2) : image;
    }

    // Pillow's tga_rle decoder: a packet header n, then one pixel repeated (n & 0x7F) + 1 times (bit 7 set) or
    // (n & 0x7F) + 1 literal pixels; packets may run across rows. The packets must cover every pixel.
    private static void CheckRlePackets(ReadOnlySpan<byte> packets, long pixelCount, int pixelBytes)
    {
        long covered = 0;
        int at = 0;
        while (covered < pixelCount)
        {
            if (at >= packets.Length)
            {
                throw ImageIntakeException.Invalid(
                    $"The TGA file is truncated: its RLE packets stop after {covered} of {pixelCount} pixels.");
            }

            int header = packets[at++];
            int count = (header & 0x7F) + 1;
            long bytes = (header & 0x80) != 0 ? pixelBytes : (long)count * pixelBytes;
            if (at + bytes > packets.Length)
            {
                throw ImageIntakeException.Invalid(
                    $"The TGA file is truncated: an RLE packet at pixel {covered} needs {bytes} bytes, {packets.Length - at} are left.");
            }

            at += (int)bytes;
            covered += count;
        }
    }

    // The same file with a colour map starting at entry 0: entries below the old start are zero (black), as
    // Pillow pads its palette, so every index keeps its colour. ImageSharp 2.1.13 ignores the start.
    private static byte[] WithMapFromZero(ReadOnlySpan<byte> data, int idLength, int mapStart, int mapLength, int entryBytes)
    {
        int total = Math.Min(ushort.MaxValue, mapStart + mapLength);
        int mapAt = HeaderSize + idLength;
        int padding = (total - mapLength) * entryBytes;
        byte[] copy = new byte[data.Length + padding];
        data[..mapAt].CopyTo(copy);
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(3), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(5), (ushort)total);
        data[mapAt..].CopyTo(copy.AsSpan(mapAt + padding));
        return copy;
    }

    private static int U16(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt16LittleEndian(d[at..]);
}
