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
/// The headers and the first frame are read by <see cref="GifHeader"/> (the blocks by <see cref="GifBlocks"/>), the
/// LZW data by <see cref="GifLzw"/> (bounded by the data: each code is read at most once), later frames composed by
/// <see cref="GifCompositing"/>; the frame loop and the conversion are here.
/// </summary>
internal static class GifReader
{
    /// <summary>Decodes page <see cref="IntakeOptions.Page"/> of a GIF (ImageSharp's detector has seen the magic).</summary>
    public static BitImage Decode(ReadOnlySpan<byte> data, IntakeOptions options, CancellationToken ct)
    {
        GifHeader header = GifHeader.Read(data);
        GifFrame frame = header.First;
        int width = header.Width, height = header.Height;
        int globalOffset = header.GlobalOffset, globalLength = header.GlobalLength, background = header.Background;
        int disposal = header.Disposal;
        int pos = frame.DataOffset;
        ImageIntake.CheckSize(width, height, options);
        if (frame.Width == 0 || frame.Height == 0)
        {
            throw ImageIntakeException.Invalid("The GIF's first frame is empty (0 pixels wide or high).");
        }

        bool paletteMode = header.PaletteMode;
        bool globalOnGrey = header.GlobalOnGrey;
        GifFrame levelsFrom = globalOnGrey ? frame with { PaletteOffset = globalOffset, PaletteLength = globalLength } : frame;
        int? transparent0 = frame.Transparent;
        // Whole-canvas planes, as large as the pixel budget: allocated (and filled below), not pooled, so a large GIF
        // leaves no large array behind in the shared pool.
        byte[] indices = GC.AllocateUninitializedArray<byte>(width * height);
        byte[]? rgb = null;
        byte[]? saved = null;
        Span<byte> canvas = indices.AsSpan(0, width * height);
        canvas.Fill((byte)(frame.Transparent ?? 0));
        GifLzw.DecodeFrame(data, frame, canvas, width, height, skip: null, ct);

        // The disposal Pillow computes while seeking to a frame and applies when seeking to the next one. At frame 0
        // there is no image yet, so "restore previous" (3) becomes a fill with the transparent index, if any.
        GifDisposal pending = disposal switch
        {
            2 => new GifDisposal(2, frame, frame.Transparent ?? background),
            >= 3 when frame.Transparent is { } t => new GifDisposal(2, frame, t),
            _ => new GifDisposal(0, frame, 0),
        };

        if (options.Page == 0)
        {
            return paletteMode || globalOnGrey
                ? Threshold(canvas, width, height, GifCompositing.Palette(data, levelsFrom), options, ct)
                : ToBilevel(canvas, 1, width, height, options, ct);
        }

        ReadOnlySpan<byte> palette0 = paletteMode ? data.Slice(frame.PaletteOffset, frame.PaletteLength) : default;
        if (paletteMode)
        {
            rgb = GC.AllocateUninitializedArray<byte>(checked(width * height * 3));
        }

        for (int k = 1; k <= options.Page; k++)
        {
            ct.ThrowIfCancellationRequested();
            GifBlocks.SkipSubBlocks(data, ref pos, frame.DataOffset);
            GifFrame? next = GifBlocks.NextFrame(data, ref pos, globalOffset, globalLength, ref disposal);
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

                GifCompositing.ApplyGreyDisposal(canvas, width, height, pending, saved);
                pending = GifCompositing.GreyDisposal(f, disposal, transparent0 ?? f.Transparent, background, canvas, width, height, ref saved);
                GifLzw.DecodeFrame(data, f, canvas, width, height, skip: f.Transparent, ct);
            }
            else
            {
                Span<byte> colours = rgb.AsSpan(0, width * height * 3);
                if (k == 1)
                {
                    GifCompositing.ApplyGreyDisposal(canvas, width, height, pending, saved); // still indices at frame 0
                    GifCompositing.ToRgb(canvas, palette0, true, colours);
                }
                else
                {
                    GifCompositing.ApplyRgbDisposal(colours, width, height, pending, saved);
                }

                pending = GifCompositing.RgbDisposal(data, f, disposal, background, colours, width, height, ref saved);
                GifCompositing.DrawRgbFrame(data, f, canvas, colours, width, height, ct);
            }

            frame = f;
        }

        if (!paletteMode)
        {
            return globalOnGrey
                ? Threshold(canvas, width, height, GifCompositing.Palette(data, levelsFrom), options, ct)
                : ToBilevel(canvas, 1, width, height, options, ct);
        }

        return ToBilevel(rgb.AsSpan(0, width * height * 3), 3, width, height, options, ct);
    }

    private static BitImage Threshold(ReadOnlySpan<byte> indices, int width, int height, byte[] levels, IntakeOptions options, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var writer = new BilevelRowWriter(image, dither: false, options.Level);
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                ReadOnlySpan<byte> row = indices.Slice(y * width, width);
                Span<byte> values = writer.NextRow();
                for (int x = 0; x < width; x++)
                {
                    values[x] = levels[row[x]];
                }

                writer.Commit(y);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    // Grey (1 byte a pixel) or RGB (3) samples of the composited frame, dithered or thresholded as Pillow's convert('1').
    private static BitImage ToBilevel(ReadOnlySpan<byte> samples, int bytesPerPixel, int width, int height, IntakeOptions options, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var writer = new BilevelRowWriter(image, options.Mode == ConversionMode.Pillow, options.Level);
            int rowBytes = width * bytesPerPixel;
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                ReadOnlySpan<byte> row = samples.Slice(y * rowBytes, rowBytes);
                if (bytesPerPixel == 1)
                {
                    writer.WriteGrey(y, row);
                }
                else
                {
                    writer.WriteRgb(y, row, bytesPerPixel);
                }
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
