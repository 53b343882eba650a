namespace RleTcp.Imaging.Formats;

/// <summary>
/// What Pillow 9.4 needs to know about a GIF's first frame: its colour table (local, else global) and its
/// transparent index. Pillow drops a table that is the identity grey ramp (<c>_is_palette_needed</c>) and then
/// opens the frame as "L" (dithered), otherwise as "P" (thresholded).
/// </summary>
internal readonly struct GifFirstFrame
{
    /// <summary>Offset and length in the file of the colour table Pillow uses, or length 0 for none.</summary>
    public int PaletteOffset { get; init; }

    public int PaletteLength { get; init; }

    public int? TransparentIndex { get; init; }

    /// <summary>"P" when a non-identity colour table applies, else "L".</summary>
    public PillowMode Mode { get; init; }

    /// <summary>
    /// The colour Pillow gives pixels ImageSharp leaves empty (transparent ones and those outside the frame):
    /// Pillow fills the canvas with the transparent index, or index 0 without one.
    /// </summary>
    public (byte R, byte G, byte B) EmptyPixelColor(ReadOnlySpan<byte> data)
    {
        int index = TransparentIndex ?? 0;
        if (Mode == PillowMode.Grey)
        {
            return ((byte)index, (byte)index, (byte)index);
        }

        int at = index * 3;
        return at + 3 <= PaletteLength
            ? (data[PaletteOffset + at], data[PaletteOffset + at + 1], data[PaletteOffset + at + 2])
            : ((byte)0, (byte)0, (byte)0);
    }

    /// <summary>Walks the blocks up to the first image descriptor; throws on a truncated or frameless file.</summary>
    public static GifFirstFrame Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            throw ImageIntakeException.Invalid("The GIF file is shorter than its header.");
        }

        int pos = 13;
        int globalOffset = 0, globalLength = 0;
        if ((data[10] & 0x80) != 0)
        {
            globalOffset = pos;
            globalLength = 3 << ((data[10] & 7) + 1);
            pos += globalLength;
        }

        int? transparent = null;
        while (true)
        {
            if (pos >= data.Length)
            {
                throw ImageIntakeException.Invalid("The GIF file ends before its first frame.");
            }

            byte block = data[pos++];
            if (block == 0x21)
            {
                if (pos >= data.Length)
                {
                    throw ImageIntakeException.Invalid("The GIF file ends inside an extension.");
                }

                byte label = data[pos++];
                bool first = true;
                while (true)
                {
                    if (pos >= data.Length)
                    {
                        throw ImageIntakeException.Invalid("The GIF file ends inside an extension.");
                    }

                    int size = data[pos++];
                    if (size == 0)
                    {
                        break;
                    }

                    if (pos + size > data.Length)
                    {
                        throw ImageIntakeException.Invalid("The GIF file ends inside an extension.");
                    }

                    if (first && label == 0xF9 && size >= 4)
                    {
                        if ((data[pos] & 1) != 0)
                        {
                            transparent = data[pos + 3];
                        }
                    }

                    first = false;
                    pos += size;
                }
            }
            else if (block == 0x2C)
            {
                if (pos + 9 > data.Length)
                {
                    throw ImageIntakeException.Invalid("The GIF file ends inside an image descriptor.");
                }

                byte flags = data[pos + 8];
                int offset = globalOffset, length = globalLength;
                if ((flags & 0x80) != 0)
                {
                    offset = pos + 9;
                    length = 3 << ((flags & 7) + 1);
                }

                if (offset + length > data.Length)
                {
                    throw ImageIntakeException.Invalid("The GIF file ends inside a colour table.");
                }

                CheckImageDataComplete(data, (flags & 0x80) != 0 ? offset + length : pos + 9);
                bool needed = length > 0 && !IsIdentityGrey(data.Slice(offset, length));
                return new GifFirstFrame
                {
                    PaletteOffset = offset,
                    PaletteLength = length,
                    TransparentIndex = transparent,
                    Mode = needed ? PillowMode.Palette : PillowMode.Grey,
                };
            }
            else if (block == 0x3B)
            {
                throw ImageIntakeException.Invalid("The GIF file has no frame.");
            }

            // Pillow skips any other byte between blocks; so do we.
        }
    }

    // ImageSharp 2.1.13 decodes a GIF whose image data is cut short without complaint; Pillow refuses it.
    private static void CheckImageDataComplete(ReadOnlySpan<byte> data, int pos)
    {
        pos++; // the LZW minimum code size
        while (pos < data.Length)
        {
            int size = data[pos];
            if (size == 0)
            {
                return;
            }

            pos += 1 + size;
        }

        throw ImageIntakeException.Invalid("The GIF file is truncated: its first frame's image data has no end.");
    }

    private static bool IsIdentityGrey(ReadOnlySpan<byte> table)
    {
        for (int i = 0; i + 2 < table.Length; i += 3)
        {
            int index = i / 3;
            if (table[i] != index || table[i + 1] != index || table[i + 2] != index)
            {
                return false;
            }
        }

        return true;
    }
}
