using System.Buffers;
using System.Buffers.Binary;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads a GIF itself, frame <see cref="IntakeOptions.Page"/> composed exactly as Pillow 9.4's GifImagePlugin does
/// (<c>seek(K)</c> then <c>convert('1')</c>), so no GIF reaches ImageSharp (2.1.13 clips a frame larger than the
/// screen to the screen and cannot give a later frame as Pillow composes it). The rules, from the plugin:
/// <list type="bullet">
/// <item>A colour table that is the identity grey ramp is dropped (<c>_is_palette_needed</c>). Frame 0 opens as "P"
/// (each colour thresholded) when a table applies (its own, else the global one), else as "L" (dithered).
/// Palette indices past the table are the grey <c>(i, i, i)</c>, as Pillow's palettes start as a ramp.</item>
/// <item>The canvas is the logical screen, grown to cover frame 0 where it goes beyond. Before frame 0 it holds the
/// transparent index, or index 0 without one (never the background colour).</item>
/// <item>A later frame turns a "P" image into RGB (dithered on the luma): the disposal of the frame before is applied
/// (2: its rectangle filled with the transparent colour, else the background one; 3: the rectangle as it was before
/// that frame), then the frame is drawn with its transparent index left out. A disposal method, once set, carries
/// over to later frames whose control block leaves it 0 (Pillow keeps it). An "L" image stays "L": later frames are
/// drawn onto it as grey indices.</item>
/// <item>Every pixel of each frame decoded on the way must be in the data (Pillow raises "image file is truncated");
/// a frame's data after its last pixel is not read.</item>
/// </list>
/// The LZW decoder is bounded by the data: each code is read from the sub-blocks at most once.
/// </summary>
internal static class GifReader
{
    private const int MaxCodeBits = 12;

    /// <summary>A disposal to apply before the next frame: 2 fills <c>Extent</c> with <c>Colour</c> (an index, or
    /// 0xRRGGBB once the image is RGB), 3 restores the saved rectangle, 0 does nothing.</summary>
    private readonly record struct Disposal(int Method, Frame Extent, int Colour);

    /// <summary>What Pillow's <c>_seek</c> learns about one frame.</summary>
    private readonly record struct Frame(int X, int Y, int Width, int Height, bool Interlaced, int? Transparent,
        int PaletteOffset, int PaletteLength, bool HasPalette, bool LocalIdentity, int MinCodeSize, int DataOffset);

    /// <summary>Decodes page <see cref="IntakeOptions.Page"/> of a GIF (ImageSharp's detector has seen the magic).</summary>
    public static BitImage Decode(ReadOnlySpan<byte> data, IntakeOptions options, CancellationToken ct)
    {
        if (data.Length < 13 || !data[..3].SequenceEqual("GIF"u8))
        {
            throw ImageIntakeException.Invalid("The GIF file is shorter than its header.");
        }

        int screenWidth = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int screenHeight = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        int pos = 13;
        int globalOffset = 0, globalLength = 0;
        int background = 0;
        if ((data[10] & 0x80) != 0)
        {
            background = data[11];
            int length = 3 << ((data[10] & 7) + 1);
            if (pos + length > data.Length)
            {
                throw ImageIntakeException.Invalid("The GIF file ends inside its global colour table.");
            }

            if (IsPaletteNeeded(data.Slice(pos, length)))
            {
                (globalOffset, globalLength) = (pos, length);
            }

            pos += length;
        }

        int disposal = 0;
        Frame frame = NextFrame(data, ref pos, globalOffset, globalLength, ref disposal)
            ?? throw ImageIntakeException.Invalid("The GIF file has no frame.");
        int width = Math.Max(screenWidth, frame.X + frame.Width);
        int height = Math.Max(screenHeight, frame.Y + frame.Height);
        ImageIntake.CheckSize(width, height, options);
        if (frame.Width == 0 || frame.Height == 0)
        {
            throw ImageIntakeException.Invalid("The GIF's first frame is empty (0 pixels wide or high).");
        }

        bool paletteMode = frame.HasPalette;

        // Pillow 9.4 says "L" for a first frame whose own table is the grey ramp, but then realises the global
        // palette on the image, so convert('1') thresholds the indices by the global colours.
        bool globalOnGrey = !frame.HasPalette && frame.LocalIdentity && globalLength > 0;
        Frame levelsFrom = globalOnGrey ? frame with { PaletteOffset = globalOffset, PaletteLength = globalLength } : frame;
        int? transparent0 = frame.Transparent;
        // Whole-canvas planes, as large as the pixel budget: allocated (and filled below), not pooled, so a large GIF
        // leaves no large array behind in the shared pool.
        byte[] indices = GC.AllocateUninitializedArray<byte>(width * height);
        byte[]? rgb = null;
        byte[]? saved = null;
        Span<byte> canvas = indices.AsSpan(0, width * height);
        canvas.Fill((byte)(frame.Transparent ?? 0));
        DecodeFrame(data, frame, canvas, width, height, skip: null, ct);

        // The disposal Pillow computes while seeking to a frame and applies when seeking to the next one. At frame 0
        // there is no image yet, so "restore previous" (3) becomes a fill with the transparent index, if any.
        Disposal pending = disposal switch
        {
            2 => new Disposal(2, frame, frame.Transparent ?? background),
            >= 3 when frame.Transparent is { } t => new Disposal(2, frame, t),
            _ => new Disposal(0, frame, 0),
        };

        if (options.Page == 0)
        {
            return paletteMode || globalOnGrey
                ? Threshold(canvas, width, height, Palette(data, levelsFrom), options, ct)
                : Grey(canvas, width, height, options, ct);
        }

        ReadOnlySpan<byte> palette0 = paletteMode ? data.Slice(frame.PaletteOffset, frame.PaletteLength) : default;
        if (paletteMode)
        {
            rgb = GC.AllocateUninitializedArray<byte>(checked(width * height * 3));
        }

        for (int k = 1; k <= options.Page; k++)
        {
            ct.ThrowIfCancellationRequested();
            SkipSubBlocks(data, ref pos, frame.DataOffset);
            Frame? next = NextFrame(data, ref pos, globalOffset, globalLength, ref disposal);
            if (next is not { } f)
            {
                throw ImageIntakeException.Invalid($"The GIF file has {k} frame(s); page {options.Page} does not exist.");
            }

            if (f.Width == 0 || f.Height == 0)
            {
                throw ImageIntakeException.Invalid($"The GIF frame {k} is empty (0 pixels wide or high).");
            }

            if (!paletteMode)
            {
                if (f.HasPalette && !globalOnGrey)
                {
                    // Pillow 9.4 starts a fresh, black "P" image here and keeps no palette for it: not followed.
                    throw ImageIntakeException.Invalid(
                        $"The GIF frame {k} has a colour table after a first frame without one; this composition is not supported.");
                }

                ApplyGreyDisposal(canvas, width, height, pending, saved);
                pending = GreyDisposal(f, disposal, transparent0 ?? f.Transparent, background, canvas, width, height, ref saved);
                DecodeFrame(data, f, canvas, width, height, skip: f.Transparent, ct);
            }
            else
            {
                Span<byte> colours = rgb.AsSpan(0, width * height * 3);
                if (k == 1)
                {
                    ApplyGreyDisposal(canvas, width, height, pending, saved); // still indices at frame 0
                    ToRgb(canvas, palette0, true, colours);
                }
                else
                {
                    ApplyRgbDisposal(colours, width, height, pending, saved);
                }

                pending = RgbDisposal(data, f, disposal, background, colours, width, height, ref saved);
                DrawRgbFrame(data, f, canvas, colours, width, height, ct);
            }

            frame = f;
        }

        if (!paletteMode)
        {
            return globalOnGrey
                ? Threshold(canvas, width, height, Palette(data, levelsFrom), options, ct)
                : Grey(canvas, width, height, options, ct);
        }

        return Colour(rgb.AsSpan(0, width * height * 3), width, height, options, ct);
    }

    /// <summary>Pillow's <c>_seek</c> block loop: extensions read (transparency, disposal), up to an image descriptor.</summary>
    private static Frame? NextFrame(ReadOnlySpan<byte> data, ref int pos, int globalOffset, int globalLength, ref int disposal)
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
                if (minCodeSize > MaxCodeBits - 1)
                {
                    throw ImageIntakeException.Invalid($"The GIF LZW minimum code size {minCodeSize} is over 11.");
                }

                return new Frame(
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
    private static ReadOnlySpan<byte> ReadSubBlock(ReadOnlySpan<byte> data, ref int pos)
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

    private static void SkipSubBlocks(ReadOnlySpan<byte> data, ref int pos, int from)
    {
        pos = from;
        while (ReadSubBlock(data, ref pos).Length > 0)
        {
        }
    }

    private static bool IsPaletteNeeded(ReadOnlySpan<byte> table)
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

    /// <summary>
    /// The LZW data of <paramref name="frame"/> written into its rectangle of <paramref name="canvas"/> (clipped to
    /// it), leaving out <paramref name="skip"/>; throws unless every pixel of the frame comes from the data.
    /// </summary>
    private static void DecodeFrame(ReadOnlySpan<byte> data, Frame frame, Span<byte> canvas, int width, int height, int? skip, CancellationToken ct)
    {
        int clear = 1 << frame.MinCodeSize, end = clear + 1;
        Span<ushort> prefix = stackalloc ushort[1 << MaxCodeBits];
        Span<byte> suffix = stackalloc byte[1 << MaxCodeBits];
        Span<byte> stack = stackalloc byte[(1 << MaxCodeBits) + 1];
        for (int i = 0; i < clear; i++)
        {
            suffix[i] = (byte)i;
        }

        int codeBits = frame.MinCodeSize + 1, next = end + 1, previous = -1;
        byte firstOfPrevious = 0;
        long total = (long)frame.Width * frame.Height, written = 0;
        int col = 0, rowIndex = 0, pass = 0;
        int row = 0, rowStep = frame.Interlaced ? 8 : 1;

        int pos = frame.DataOffset, blockLeft = 0;
        uint bitBuffer = 0;
        int bitCount = 0;
        while (written < total)
        {
            // Refill the bit buffer from the sub-blocks.
            while (bitCount < codeBits)
            {
                if (blockLeft == 0)
                {
                    if (pos >= data.Length || data[pos] == 0)
                    {
                        throw Truncated(written, total);
                    }

                    blockLeft = data[pos++];
                }

                if (pos >= data.Length)
                {
                    throw Truncated(written, total);
                }

                bitBuffer |= (uint)data[pos++] << bitCount;
                bitCount += 8;
                blockLeft--;
            }

            int code = (int)(bitBuffer & ((1u << codeBits) - 1));
            bitBuffer >>= codeBits;
            bitCount -= codeBits;
            if (code == clear)
            {
                codeBits = frame.MinCodeSize + 1;
                next = end + 1;
                previous = -1;
                continue;
            }

            if (code == end)
            {
                throw Truncated(written, total);
            }

            int depth = 0, current = code;
            if (previous < 0)
            {
                if (code >= clear)
                {
                    throw ImageIntakeException.Invalid("The GIF LZW data is corrupt: a string code follows a clear code.");
                }

                stack[depth++] = (byte)code;
            }
            else
            {
                if (code > next || (code == next && next >= 1 << MaxCodeBits))
                {
                    throw ImageIntakeException.Invalid("The GIF LZW data is corrupt: a code not yet defined.");
                }

                if (code == next)
                {
                    // KwKwK: the previous string plus its own first byte.
                    stack[depth++] = firstOfPrevious;
                    current = previous;
                }

                while (current >= clear)
                {
                    stack[depth++] = suffix[current];
                    current = prefix[current];
                }

                stack[depth++] = (byte)current;
                if (next < 1 << MaxCodeBits)
                {
                    prefix[next] = (ushort)previous;
                    suffix[next] = (byte)current;
                    next++;
                    if (next == 1 << codeBits && codeBits < MaxCodeBits)
                    {
                        codeBits++;
                    }
                }
            }

            firstOfPrevious = stack[depth - 1];
            previous = code;
            // The string comes out of the stack last byte first.
            while (depth > 0 && written < total)
            {
                byte index = stack[--depth];
                int x = frame.X + col, y = frame.Y + row;
                if (x < width && y < height && index != skip)
                {
                    canvas[(y * width) + x] = index;
                }

                written++;
                if (++col == frame.Width)
                {
                    col = 0;
                    rowIndex++;
                    if ((rowIndex & 255) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }

                    row += rowStep;
                    while (frame.Interlaced && row >= frame.Height && pass < 3)
                    {
                        pass++;
                        (row, rowStep) = pass switch { 1 => (4, 8), 2 => (2, 4), _ => (1, 2) };
                    }
                }
            }
        }
    }

    private static ImageIntakeException Truncated(long written, long total) =>
        ImageIntakeException.Invalid($"The GIF image data is truncated: it ends after {written} of the frame's {total} pixels.");

    /// <summary>256 levels (luma / 1000) of a colour table, past its end the grey ramp.</summary>
    private static byte[] Palette(ReadOnlySpan<byte> data, Frame frame)
    {
        var levels = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            levels[i] = i * 3 + 2 < frame.PaletteLength
                ? (byte)(PillowBilevel.Luma1000(data[frame.PaletteOffset + (3 * i)], data[frame.PaletteOffset + (3 * i) + 1], data[frame.PaletteOffset + (3 * i) + 2]) / 1000)
                : (byte)i;
        }

        return levels;
    }

    private static (byte R, byte G, byte B) Colour(ReadOnlySpan<byte> palette, int index) =>
        (3 * index) + 2 < palette.Length ? (palette[3 * index], palette[(3 * index) + 1], palette[(3 * index) + 2]) : ((byte)index, (byte)index, (byte)index);

    private static void ToRgb(ReadOnlySpan<byte> indices, ReadOnlySpan<byte> palette, bool hasPalette, Span<byte> rgb)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            (byte r, byte g, byte b) = hasPalette ? Colour(palette, indices[i]) : (indices[i], indices[i], indices[i]);
            rgb[3 * i] = r;
            rgb[(3 * i) + 1] = g;
            rgb[(3 * i) + 2] = b;
        }
    }

    // Disposal while the image is still indices ("P" at frame 0, or "L"): 2 fills the rectangle with an index,
    // 3 puts back the saved rectangle.
    private static Disposal GreyDisposal(
        Frame f, int disposal, int? transparent, int background, Span<byte> canvas, int width, int height, ref byte[]? saved)
    {
        if (disposal == 2)
        {
            return new Disposal(2, f, transparent ?? background);
        }

        if (disposal >= 3)
        {
            saved = SaveRectangle(canvas, 1, f, width, height, saved);
            return new Disposal(3, f, 0);
        }

        return new Disposal(0, f, 0);
    }

    private static void ApplyGreyDisposal(Span<byte> canvas, int width, int height, Disposal pending, byte[]? saved)
    {
        if (pending.Method == 2)
        {
            Frame e = pending.Extent;
            for (int y = e.Y; y < Math.Min(height, e.Y + e.Height); y++)
            {
                for (int x = e.X; x < Math.Min(width, e.X + e.Width); x++)
                {
                    canvas[(y * width) + x] = (byte)pending.Colour;
                }
            }
        }
        else if (pending.Method == 3 && saved is not null)
        {
            RestoreRectangle(canvas, 1, pending.Extent, width, height, saved);
        }
    }

    private static Disposal RgbDisposal(
        ReadOnlySpan<byte> data, Frame f, int disposal, int background, Span<byte> rgb, int width, int height, ref byte[]? saved)
    {
        if (disposal == 2)
        {
            // Pillow's _rgb: the colour of the index in the frame's own table (or the global one), else grey.
            int index = f.Transparent ?? background;
            ReadOnlySpan<byte> table = f.HasPalette ? data.Slice(f.PaletteOffset, f.PaletteLength) : default;
            (byte r, byte g, byte b) = f.HasPalette ? Colour(table, index) : ((byte)index, (byte)index, (byte)index);
            return new Disposal(2, f, (r << 16) | (g << 8) | b);
        }

        if (disposal >= 3)
        {
            saved = SaveRectangle(rgb, 3, f, width, height, saved);
            return new Disposal(3, f, 0);
        }

        return new Disposal(0, f, 0);
    }

    private static void ApplyRgbDisposal(Span<byte> rgb, int width, int height, Disposal pending, byte[]? saved)
    {
        if (pending.Method == 2)
        {
            byte r = (byte)(pending.Colour >> 16), g = (byte)(pending.Colour >> 8), b = (byte)pending.Colour;
            Frame e = pending.Extent;
            for (int y = e.Y; y < Math.Min(height, e.Y + e.Height); y++)
            {
                for (int x = e.X; x < Math.Min(width, e.X + e.Width); x++)
                {
                    int at = 3 * ((y * width) + x);
                    rgb[at] = r;
                    rgb[at + 1] = g;
                    rgb[at + 2] = b;
                }
            }
        }
        else if (pending.Method == 3 && saved is not null)
        {
            RestoreRectangle(rgb, 3, pending.Extent, width, height, saved);
        }
    }

    /// <summary>A later frame of a "P" GIF: decoded into indices, coloured by its table, drawn without its transparent index.</summary>
    private static void DrawRgbFrame(ReadOnlySpan<byte> data, Frame f, Span<byte> indices, Span<byte> rgb, int width, int height, CancellationToken ct)
    {
        // The index plane is free once frame 0 has become colours: it takes the frame's indices (every one of them,
        // DecodeFrame throws otherwise), which are then drawn without the transparent index.
        DecodeFrame(data, f, indices, width, height, skip: null, ct);
        ReadOnlySpan<byte> table = f.HasPalette ? data.Slice(f.PaletteOffset, f.PaletteLength) : default;
        for (int y = f.Y; y < Math.Min(height, f.Y + f.Height); y++)
        {
            for (int x = f.X; x < Math.Min(width, f.X + f.Width); x++)
            {
                byte index = indices[(y * width) + x];
                if (index == f.Transparent)
                {
                    continue;
                }

                (byte r, byte g, byte b) = f.HasPalette ? Colour(table, index) : (index, index, index);
                int at = 3 * ((y * width) + x);
                rgb[at] = r;
                rgb[at + 1] = g;
                rgb[at + 2] = b;
            }
        }
    }

    private static byte[] SaveRectangle(ReadOnlySpan<byte> plane, int bytesPerPixel, Frame e, int width, int height, byte[]? saved)
    {
        int w = Math.Max(0, Math.Min(width, e.X + e.Width) - e.X), h = Math.Max(0, Math.Min(height, e.Y + e.Height) - e.Y);
        byte[] copy = saved is not null && saved.Length >= w * h * bytesPerPixel ? saved : new byte[w * h * bytesPerPixel];
        for (int y = 0; y < h; y++)
        {
            plane.Slice((((e.Y + y) * width) + e.X) * bytesPerPixel, w * bytesPerPixel).CopyTo(copy.AsSpan(y * w * bytesPerPixel));
        }

        return copy;
    }

    private static void RestoreRectangle(Span<byte> plane, int bytesPerPixel, Frame e, int width, int height, byte[] saved)
    {
        int w = Math.Max(0, Math.Min(width, e.X + e.Width) - e.X), h = Math.Max(0, Math.Min(height, e.Y + e.Height) - e.Y);
        for (int y = 0; y < h; y++)
        {
            saved.AsSpan(y * w * bytesPerPixel, w * bytesPerPixel).CopyTo(plane[((((e.Y + y) * width) + e.X) * bytesPerPixel)..]);
        }
    }

    private static BitImage Threshold(ReadOnlySpan<byte> indices, int width, int height, byte[] levels, IntakeOptions options, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        byte[] values = ArrayPool<byte>.Shared.Rent(width);
        try
        {
            using var writer = new BilevelRowWriter(image, dither: false, options.Level);
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                ReadOnlySpan<byte> row = indices.Slice(y * width, width);
                for (int x = 0; x < width; x++)
                {
                    values[x] = levels[row[x]];
                }

                writer.WriteGrey(y, values.AsSpan(0, width));
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(values);
        }
    }

    private static BitImage Grey(ReadOnlySpan<byte> grey, int width, int height, IntakeOptions options, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var writer = new BilevelRowWriter(image, options.Mode == ConversionMode.Pillow, options.Level);
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                writer.WriteGrey(y, grey.Slice(y * width, width));
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static BitImage Colour(ReadOnlySpan<byte> rgb, int width, int height, IntakeOptions options, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var writer = new BilevelRowWriter(image, options.Mode == ConversionMode.Pillow, options.Level);
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                writer.WriteRgb(y, rgb.Slice(y * width * 3, width * 3), 3);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }
}
