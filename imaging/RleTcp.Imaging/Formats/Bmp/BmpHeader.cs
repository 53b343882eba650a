using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>How a BMP's pixels are stored, as Pillow 9.4's BmpImagePlugin tells them apart.</summary>
internal enum BmpLayout
{
    Indexed,
    Bgr15,
    Bgr16,
    Bgr,
    Bgrx,
    Xbgr,
    Abgr,
    Rgba,
    Bgra,
    Rle,
}

/// <summary>
/// A BMP's (or header-less DIB's) headers and palette as Pillow 9.4's BmpImagePlugin reads them: the one place that
/// says which sizes, bit counts, compressions and masks are read and which mode the file opens in, for
/// <see cref="BmpReader"/> and for protocol v2's INFO (<see cref="ImageHeaderInfo"/>). The rules are on
/// <see cref="BmpReader"/>.
/// </summary>
/// <param name="Width">Width as declared (unsigned; checked against the limits by the reader).</param>
/// <param name="Height">Height as declared (a top-down height already made positive).</param>
/// <param name="Bits">The bit count: 1, 4, 8, 16, 24 or 32.</param>
/// <param name="TopDown">Rows stored top row first.</param>
/// <param name="Layout">How the pixels are stored.</param>
/// <param name="Rle4">For <see cref="BmpLayout.Rle"/>: RLE4 (else RLE8).</param>
/// <param name="PixelOffset">Where the pixels start, as Pillow places them (may lie past the end of the file).</param>
/// <param name="PaletteStart">Where the palette starts (right after the headers and any bitfield masks).</param>
/// <param name="PaletteBytes">The bytes of palette the file holds, at most the declared entries.</param>
/// <param name="Colors">Declared palette entries (biClrUsed, else 2^bits); 0 above 8 bits.</param>
/// <param name="EntrySize">Bytes per palette entry: 3 (OS/2) or 4.</param>
/// <param name="Mode">The mode Pillow opens the file in: "1", "L" or "P" by the palette, else RGB.</param>
internal readonly record struct BmpHeader(
    long Width, long Height, int Bits, bool TopDown, BmpLayout Layout, bool Rle4,
    long PixelOffset, int PaletteStart, int PaletteBytes, int Colors, int EntrySize, PillowMode Mode)
{
    private const int FileHeaderSize = 14;

    /// <summary>True when <paramref name="data"/> starts like a header-less DIB (Pillow's <c>_dib_accept</c>).</summary>
    public static bool IsDib(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(data) is 12 or 40 or 64 or 108 or 124;

    /// <summary>Reads the headers and the palette of a BMP (starting "BM") or, when <paramref name="dib"/>, a DIB.</summary>
    /// <exception cref="ImageIntakeException">A field Pillow does not read, or the file ends inside the headers.</exception>
    public static BmpHeader Read(ReadOnlySpan<byte> data, bool dib)
    {
        int headerAt = dib ? 0 : FileHeaderSize;
        if (data.Length < headerAt + 4)
        {
            throw ImageIntakeException.Invalid("The BMP file is shorter than its headers.");
        }

        long offset = dib ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        long headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[headerAt..]);
        if (headerSize is not (12 or 40 or 64 or 108 or 124))
        {
            throw ImageIntakeException.Invalid($"The BMP info header size {headerSize} is not one Pillow reads (12, 40, 64, 108, 124).");
        }

        if (headerAt + headerSize > data.Length)
        {
            throw ImageIntakeException.Invalid("The BMP file ends inside its info header.");
        }

        ReadOnlySpan<byte> info = data.Slice(headerAt + 4, (int)headerSize - 4);
        long width, height;
        int bits, compression = 0, entrySize;
        long colors = 0;
        bool topDown = false;
        int after = headerAt + (int)headerSize;
        uint r = 0, g = 0, b = 0, a = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(info);
            height = BinaryPrimitives.ReadUInt16LittleEndian(info[2..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(info[6..]);
            entrySize = 3;
        }
        else
        {
            topDown = info[7] == 0xFF;
            width = BinaryPrimitives.ReadUInt32LittleEndian(info);
            height = BinaryPrimitives.ReadUInt32LittleEndian(info[4..]);
            if (topDown)
            {
                height = (1L << 32) - height;
            }

            bits = BinaryPrimitives.ReadUInt16LittleEndian(info[10..]);
            compression = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(info[12..]));
            colors = BinaryPrimitives.ReadUInt32LittleEndian(info[28..]);
            entrySize = 4;
            if (compression == 3)
            {
                ReadOnlySpan<byte> masks;
                if (info.Length >= 52)
                {
                    masks = info.Slice(36, 16);
                }
                else
                {
                    // A 40-byte header's masks follow it (alpha none); the palette, if any, would come after them.
                    if (after + 12 > data.Length)
                    {
                        throw ImageIntakeException.Invalid("The BMP file ends inside its bitfield masks.");
                    }

                    masks = data.Slice(after, 12);
                    after += 12;
                }

                r = BinaryPrimitives.ReadUInt32LittleEndian(masks);
                g = BinaryPrimitives.ReadUInt32LittleEndian(masks[4..]);
                b = BinaryPrimitives.ReadUInt32LittleEndian(masks[8..]);
                a = masks.Length >= 16 ? BinaryPrimitives.ReadUInt32LittleEndian(masks[12..]) : 0;
            }
        }

        if (bits is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            throw ImageIntakeException.Invalid($"The BMP bit count {bits} is not one of 1, 4, 8, 16, 24, 32.");
        }

        if (colors == 0)
        {
            colors = 1L << bits;
        }

        if (offset == FileHeaderSize + headerSize && bits <= 8)
        {
            offset += 4 * colors;
        }

        BmpLayout layout = compression switch
        {
            0 => bits switch { 16 => BmpLayout.Bgr15, 24 => BmpLayout.Bgr, 32 => BmpLayout.Bgrx, _ => BmpLayout.Indexed },
            3 => Bitfields(bits, r, g, b, a),
            1 or 2 when bits <= 8 => BmpLayout.Rle,
            _ => throw ImageIntakeException.Invalid($"The BMP compression {compression} is not supported."),
        };

        // The palette Pillow reads (before any pixel-offset question) decides the mode.
        PillowMode mode = PillowMode.Colour;
        int paletteBytes = 0;
        if (bits <= 8)
        {
            if (colors > 256)
            {
                throw ImageIntakeException.Invalid($"The BMP palette declares {colors} colours; at most 256 are allowed.");
            }

            paletteBytes = (int)Math.Min(entrySize * colors, Math.Max(0, data.Length - after));
            mode = PaletteMode(data.Slice(Math.Min(after, data.Length), paletteBytes), (int)colors, entrySize);
            if (offset == 0)
            {
                offset = after + paletteBytes;
            }
        }
        else if (offset == 0)
        {
            offset = after;
        }

        return new BmpHeader(width, height, bits, topDown, layout, compression == 2, offset, Math.Min(after, data.Length),
            paletteBytes, bits <= 8 ? (int)colors : 0, entrySize, mode);
    }

    /// <summary>Each index's level (luma / 1000) from the palette in <paramref name="data"/>; past its entries, the grey ramp.</summary>
    public void FillLevels(ReadOnlySpan<byte> data, Span<byte> levels)
    {
        ReadOnlySpan<byte> palette = data.Slice(PaletteStart, PaletteBytes);
        for (int i = 0; i < 256; i++)
        {
            int at = i * EntrySize;
            levels[i] = at + 3 <= palette.Length && i < Colors
                ? (byte)(PillowBilevel.Luma1000(palette[at + 2], palette[at + 1], palette[at]) / 1000)
                : (byte)i;
        }
    }

    // Pillow 9.4's SUPPORTED / MASK_MODES: these masks only.
    private static BmpLayout Bitfields(int bits, uint r, uint g, uint b, uint a) => (bits, r, g, b, a) switch
    {
        (32, 0xFF0000, 0xFF00, 0xFF, 0) => BmpLayout.Bgrx,
        (32, 0xFF000000, 0xFF0000, 0xFF00, 0) => BmpLayout.Xbgr,
        (32, 0xFF000000, 0xFF0000, 0xFF00, 0xFF) => BmpLayout.Abgr,
        (32, 0xFF, 0xFF00, 0xFF0000, 0xFF000000) => BmpLayout.Rgba,
        (32, 0xFF0000, 0xFF00, 0xFF, 0xFF000000) => BmpLayout.Bgra,
        (32, 0, 0, 0, 0) => BmpLayout.Bgra,
        (24, 0xFF0000, 0xFF00, 0xFF, _) => BmpLayout.Bgr,
        (16, 0xF800, 0x7E0, 0x1F, _) => BmpLayout.Bgr16,
        (16, 0x7C00, 0x3E0, 0x1F, _) => BmpLayout.Bgr15,
        _ => throw ImageIntakeException.Invalid(
            $"The BMP bitfields layout ({bits} bits, masks {r:X}/{g:X}/{b:X}/{a:X}) is not one Pillow reads."),
    };

    // Two entries exactly black, white: "1"; entry i = (i, i, i) for every declared i: "L"; any other palette: "P".
    private static PillowMode PaletteMode(ReadOnlySpan<byte> palette, int colors, int entrySize)
    {
        for (int i = 0; i < colors; i++)
        {
            int expected = colors == 2 ? i * 255 : i;
            int at = i * entrySize;
            if (at + 3 > palette.Length || palette[at] != expected || palette[at + 1] != expected || palette[at + 2] != expected)
            {
                return PillowMode.Palette;
            }
        }

        return colors == 2 ? PillowMode.Bilevel : PillowMode.Grey;
    }
}
