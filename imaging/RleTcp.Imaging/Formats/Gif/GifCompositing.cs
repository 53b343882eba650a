namespace RleTcp.Imaging.Formats;

/// <summary>A disposal to apply before the next frame: 2 fills <c>Extent</c> with <c>Colour</c> (an index, or
/// 0xRRGGBB once the image is RGB), 3 restores the saved rectangle, 0 does nothing.</summary>
internal readonly record struct GifDisposal(int Method, GifFrame Extent, int Colour);

/// <summary>
/// Frames after the first composed as Pillow 9.4's <c>seek</c> does (the rules are on <see cref="GifReader"/>):
/// disposals on an index canvas ("P" at frame 0, or "L") or on RGB (a "P" image from frame 1), frames drawn without
/// their transparent index, colour tables to levels and colours.
/// </summary>
internal static class GifCompositing
{
    /// <summary>256 levels (luma / 1000) of a colour table, past its end the grey ramp.</summary>
    public static byte[] Palette(ReadOnlySpan<byte> data, GifFrame frame)
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

    public static void ToRgb(ReadOnlySpan<byte> indices, ReadOnlySpan<byte> palette, bool hasPalette, Span<byte> rgb)
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
    public static GifDisposal GreyDisposal(
        GifFrame f, int disposal, int? transparent, int background, Span<byte> canvas, int width, int height, ref byte[]? saved)
    {
        if (disposal == 2)
        {
            return new GifDisposal(2, f, transparent ?? background);
        }

        if (disposal >= 3)
        {
            saved = SaveRectangle(canvas, 1, f, width, height, saved);
            return new GifDisposal(3, f, 0);
        }

        return new GifDisposal(0, f, 0);
    }

    public static void ApplyGreyDisposal(Span<byte> canvas, int width, int height, GifDisposal pending, byte[]? saved)
    {
        if (pending.Method == 2)
        {
            GifFrame e = pending.Extent;
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

    public static GifDisposal RgbDisposal(
        ReadOnlySpan<byte> data, GifFrame f, int disposal, int background, Span<byte> rgb, int width, int height, ref byte[]? saved)
    {
        if (disposal == 2)
        {
            // Pillow's _rgb: the colour of the index in the frame's own table (or the global one), else grey.
            int index = f.Transparent ?? background;
            ReadOnlySpan<byte> table = f.HasPalette ? data.Slice(f.PaletteOffset, f.PaletteLength) : default;
            (byte r, byte g, byte b) = f.HasPalette ? Colour(table, index) : ((byte)index, (byte)index, (byte)index);
            return new GifDisposal(2, f, (r << 16) | (g << 8) | b);
        }

        if (disposal >= 3)
        {
            saved = SaveRectangle(rgb, 3, f, width, height, saved);
            return new GifDisposal(3, f, 0);
        }

        return new GifDisposal(0, f, 0);
    }

    public static void ApplyRgbDisposal(Span<byte> rgb, int width, int height, GifDisposal pending, byte[]? saved)
    {
        if (pending.Method == 2)
        {
            byte r = (byte)(pending.Colour >> 16), g = (byte)(pending.Colour >> 8), b = (byte)pending.Colour;
            GifFrame e = pending.Extent;
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
    public static void DrawRgbFrame(ReadOnlySpan<byte> data, GifFrame f, Span<byte> indices, Span<byte> rgb, int width, int height, CancellationToken ct)
    {
        // The index plane is free once frame 0 has become colours: it takes the frame's indices (every one of them,
        // DecodeFrame throws otherwise), which are then drawn without the transparent index.
        GifLzw.DecodeFrame(data, f, indices, width, height, skip: null, ct);
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

    private static byte[] SaveRectangle(ReadOnlySpan<byte> plane, int bytesPerPixel, GifFrame e, int width, int height, byte[]? saved)
    {
        int w = Math.Max(0, Math.Min(width, e.X + e.Width) - e.X), h = Math.Max(0, Math.Min(height, e.Y + e.Height) - e.Y);
        byte[] copy = saved is not null && saved.Length >= w * h * bytesPerPixel ? saved : new byte[w * h * bytesPerPixel];
        for (int y = 0; y < h; y++)
        {
            plane.Slice((((e.Y + y) * width) + e.X) * bytesPerPixel, w * bytesPerPixel).CopyTo(copy.AsSpan(y * w * bytesPerPixel));
        }

        return copy;
    }

    private static void RestoreRectangle(Span<byte> plane, int bytesPerPixel, GifFrame e, int width, int height, byte[] saved)
    {
        int w = Math.Max(0, Math.Min(width, e.X + e.Width) - e.X), h = Math.Max(0, Math.Min(height, e.Y + e.Height) - e.Y);
        for (int y = 0; y < h; y++)
        {
            saved.AsSpan(y * w * bytesPerPixel, w * bytesPerPixel).CopyTo(plane[((((e.Y + y) * width) + e.X) * bytesPerPixel)..]);
        }
    }
}
