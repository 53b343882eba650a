using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>What Pillow's <c>_seek</c> learns about one frame: its rectangle, transparency, colour table and data.</summary>
internal readonly record struct GifFrame(int X, int Y, int Width, int Height, bool Interlaced, int? Transparent,
    int PaletteOffset, int PaletteLength, bool HasPalette, bool LocalIdentity, int MinCodeSize, int DataOffset);

/// <summary>
/// A GIF's block structure as Pillow 9.4's GifImagePlugin walks it: extensions, image descriptors, colour tables and
/// sub-blocks. Every step consumes input; nothing is decoded here.
/// </summary>
internal static class GifBlocks
{
    /// <summary>Pillow's <c>_seek</c> block loop: extensions read (transparency, disposal), up to an image descriptor.</summary>
    public static GifFrame? NextFrame(ReadOnlySpan<byte> data, ref int pos, int globalOffset, int globalLength, ref int disposal)
    {
        if (pos >= data.Length || data[pos] == ';')
        {
            return null;
        }

        int? transparent = null;
        while (pos < data.Length)
        {
            byte block = data[pos++];
            if (block == ';')
            {
                return null;
            }

            if (block == '!')
            {
                if (pos >= data.Length)
                {
                    throw ImageIntakeException.Invalid("The GIF file ends inside an extension.");
                }

                byte label = data[pos++];
                ReadOnlySpan<byte> first = ReadSubBlock(data, ref pos);
                if (label == 0xF9)
                {
                    if (first.Length < 4)
                    {
                        throw ImageIntakeException.Invalid("The GIF graphic control extension is shorter than 4 bytes.");
                    }

                    transparent = (first[0] & 1) != 0 ? first[3] : null;
                    int bits = (first[0] >> 2) & 7;
                    if (bits != 0)
                    {
                        disposal = bits;
                    }
                }

                // Pillow then reads sub-blocks until an empty one; after an empty first block only the comment
                // extension stops there (others read on, whatever the next bytes are).
                if (label != 0xFE || first.Length > 0)
                {
                    while (ReadSubBlock(data, ref pos).Length > 0)
                    {
                    }
                }

                continue;
            }

            if (block == ',')
            {
                if (pos + 10 > data.Length)
                {
                    throw ImageIntakeException.Invalid("The GIF file ends inside an image descriptor.");
                }

                ReadOnlySpan<byte> d = data.Slice(pos, 9);
                byte flags = d[8];
                pos += 9;
                int offset = globalOffset, length = globalLength;
                bool localIdentity = false;
                if ((flags & 0x80) != 0)
                {
                    int size = 3 << ((flags & 7) + 1);
                    if (pos + size + 1 > data.Length)
                    {
                        throw ImageIntakeException.Invalid("The GIF file ends inside a local colour table.");
                    }

                    (offset, length) = IsPaletteNeeded(data.Slice(pos, size)) ? (pos, size) : (0, 0);
                    localIdentity = length == 0;
                    pos += size;
                }

                int minCodeSize = data[pos++];
                if (minCodeSize > GifLzw.MaxCodeBits - 1)
                {
                    throw ImageIntakeException.Invalid($"The GIF LZW minimum code size {minCodeSize} is over 11.");
                }

                return new GifFrame(
                    BinaryPrimitives.ReadUInt16LittleEndian(d),
                    BinaryPrimitives.ReadUInt16LittleEndian(d[2..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(d[4..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(d[6..]),
                    (flags & 0x40) != 0,
                    transparent,
                    offset,
                    length,
                    length > 0,
                    localIdentity,
                    minCodeSize,
                    pos);
            }

            // Pillow skips any other byte between blocks.
        }

        return null;
    }

    // Pillow's data(): a length byte, then up to that many bytes (fewer at the end of the file); empty at a 0 or the end.
    public static ReadOnlySpan<byte> ReadSubBlock(ReadOnlySpan<byte> data, ref int pos)
    {
        if (pos >= data.Length || data[pos] == 0)
        {
            pos = Math.Min(pos + 1, data.Length);
            return default;
        }

        int size = data[pos++];
        int available = Math.Min(size, data.Length - pos);
        ReadOnlySpan<byte> body = data.Slice(pos, available);
        pos += available;
        return body;
    }

    /// <summary>Moves <paramref name="pos"/> past the sub-blocks starting at <paramref name="from"/>.</summary>
    public static void SkipSubBlocks(ReadOnlySpan<byte> data, ref int pos, int from)
    {
        pos = from;
        while (ReadSubBlock(data, ref pos).Length > 0)
        {
        }
    }

    /// <summary>False for a table that is the identity grey ramp (Pillow's <c>_is_palette_needed</c>).</summary>
    public static bool IsPaletteNeeded(ReadOnlySpan<byte> table)
    {
        for (int i = 0; i + 2 < table.Length; i += 3)
        {
            int index = i / 3;
            if (table[i] != index || table[i + 1] != index || table[i + 2] != index)
            {
                return true;
            }
        }

        return false;
    }
}
