using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The parts of a Windows BMP header the intake needs, read and checked against the payload length
/// before any decoder sees the file (ImageSharp 2.1.13 sizes a buffer from the pixel offset before checking it).
/// </summary>
internal readonly struct BmpHeader
{
    public const int FileHeaderSize = 14;

    public int HeaderSize { get; init; }

    public int Width { get; init; }

    /// <summary>Positive for bottom-up rows (the usual), negative for top-down.</summary>
    public int Height { get; init; }

    public int BitsPerPixel { get; init; }

    public int Compression { get; init; }

    /// <summary>Palette entries (0 for 16/24/32-bit images).</summary>
    public int Colors { get; init; }

    /// <summary>Bytes per palette entry: 3 for the OS/2 core header, else 4 (B, G, R, reserved).</summary>
    public int PaletteEntrySize { get; init; }

    public int PaletteOffset => FileHeaderSize + HeaderSize;

    public int PixelOffset { get; init; }

    public static bool IsBmp(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'B' && data[1] == 'M';

    /// <summary>Reads and checks the header; throws <see cref="ImageIntakeException"/> when it lies about the payload.</summary>
    public static BmpHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < FileHeaderSize + 12)
        {
            throw ImageIntakeException.Invalid("The BMP file is shorter than its headers.");
        }

        long pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        long headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (headerSize is not (12 or 16 or 40 or 52 or 56 or 64 or 108 or 124))
        {
            throw ImageIntakeException.Invalid($"The BMP info header size {headerSize} is not a known one.");
        }

        if (FileHeaderSize + headerSize > data.Length)
        {
            throw ImageIntakeException.Invalid("The BMP file is shorter than its headers.");
        }

        if (pixelOffset > data.Length || pixelOffset < FileHeaderSize + headerSize)
        {
            throw ImageIntakeException.Invalid(
                $"The BMP pixel-data offset {pixelOffset} lies outside the {data.Length}-byte payload.");
        }

        ReadOnlySpan<byte> info = data.Slice(FileHeaderSize, (int)headerSize);
        int width, height, bits, compression = 0;
        long colors = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(info[4..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(info[6..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(info[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(info[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(info[8..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(info[14..]);
            compression = info.Length >= 20 ? BinaryPrimitives.ReadInt32LittleEndian(info[16..]) : 0;
            colors = info.Length >= 36 ? BinaryPrimitives.ReadUInt32LittleEndian(info[32..]) : 0;
        }

        if (bits <= 8 && colors == 0)
        {
            colors = 1L << bits;
        }

        int entrySize = headerSize == 12 ? 3 : 4;
        if (bits <= 8 && (colors > 65536 || FileHeaderSize + headerSize + (colors * entrySize) > pixelOffset))
        {
            throw ImageIntakeException.Invalid(
                $"The BMP palette of {colors} colours does not fit before the pixel data at offset {pixelOffset}.");
        }

        // Uncompressed rows must all be in the payload: ImageSharp 2.1.13 would read short rows as black.
        if (compression is 0 or 3 && bits is 1 or 4 or 8 or 16 or 24 or 32 && width > 0)
        {
            long stride = ((((long)width * bits) + 31) / 32) * 4;
            if (pixelOffset + (stride * Math.Abs((long)height)) > data.Length)
            {
                throw ImageIntakeException.Invalid(
                    $"The BMP pixel data is truncated: {stride * Math.Abs((long)height)} bytes needed at offset {pixelOffset}, {data.Length} in the payload.");
            }
        }

        return new BmpHeader
        {
            HeaderSize = (int)headerSize,
            Width = width,
            Height = height,
            BitsPerPixel = bits,
            Compression = compression,
            Colors = bits <= 8 ? (int)colors : 0,
            PaletteEntrySize = entrySize,
            PixelOffset = (int)pixelOffset,
        };
    }

    /// <summary>Palette entry <paramref name="index"/> as (R, G, B).</summary>
    public (byte R, byte G, byte B) PaletteColor(ReadOnlySpan<byte> data, int index)
    {
        ReadOnlySpan<byte> entry = data.Slice(PaletteOffset + (index * PaletteEntrySize), 3);
        return (entry[2], entry[1], entry[0]);
    }

    /// <summary>
    /// The mode Pillow 9.4's BmpImagePlugin opens the file in: a palette that is exactly black, white (2 colours)
    /// is "1"; one that is the grey ramp <c>(i, i, i)</c> is "L"; any other palette is "P"; no palette is "RGB".
    /// </summary>
    public PillowMode PillowMode(ReadOnlySpan<byte> data)
    {
        if (BitsPerPixel > 8)
        {
            return Imaging.PillowMode.Colour;
        }

        for (int i = 0; i < Colors; i++)
        {
            int expected = Colors == 2 ? i * 255 : i;
            (byte r, byte g, byte b) = PaletteColor(data, i);
            if (r != expected || g != expected || b != expected)
            {
                return Imaging.PillowMode.Palette;
            }
        }

        return Colors == 2 ? Imaging.PillowMode.Bilevel : Imaging.PillowMode.Grey;
    }
}
