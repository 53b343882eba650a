using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads Windows BMP (and the header-less DIB the clipboard holds) itself (its headers and palette by
/// <see cref="BmpHeader"/>, the pixels here), as Pillow 9.4's BmpImagePlugin opens it,
/// so no BMP reaches ImageSharp. The rules, from the plugin:
/// <list type="bullet">
/// <item>Info headers of 12 (OS/2: unsigned 16-bit sides, 3-byte palette entries, always bottom-up), 40, 64, 108 or
/// 124 bytes; a height whose top byte is 0xFF means top-down. Bit counts 1, 4, 8, 16, 24, 32 (others refused).</item>
/// <item>The palette (biClrUsed entries, else 2^bits; at most 256) is read right after the header, as far as the file
/// goes, whatever the pixel offset; entries it lacks are the grey <c>(i, i, i)</c>. A pixel offset pointing right
/// after the header moves past the palette (4 bytes an entry); offset 0 (and a DIB) means "after the palette".</item>
/// <item>Two entries exactly black, white: mode "1" (a copy); entry i = (i, i, i) for every i: "L" (dithered); any
/// other palette: "P" (each colour thresholded). Pillow 9.4 then reads the pixels of such a "1" or "L" file with 1 or 8
/// bits each whatever the bit depth (issue 11 class 8, its bug): this reader uses the file's bit depth.</item>
/// <item>16-bit 5-5-5 (and bitfields 5-6-5) widen as <c>v * 255 / 31</c> (<c>/ 63</c>), truncated; 32-bit is BGRX.
/// BI_BITFIELDS is read for exactly the masks Pillow knows (others refused, as Pillow does).</item>
/// <item>Uncompressed rows, each padded to 4 bytes, must all be in the file. RLE8/RLE4 as Pillow's BmpRleDecoder:
/// an encoded run is clipped at the row end, an absolute run is not (it runs on into the next row), end of line pads
/// the row with index 0, codes ending before every pixel is covered refuse the file. Two Pillow bugs are not
/// followed (docs/IMAGING.md, known differences): a delta code's dx, dy are the two bytes after it, and an odd RLE4
/// absolute run has all its pixels.</item>
/// </list>
/// </summary>
internal static class BmpReader
{
    /// <summary>Decodes a BMP (starting "BM") or, when <paramref name="dib"/>, a DIB.</summary>
    public static BitImage Decode(ReadOnlySpan<byte> data, bool dib, IntakeOptions options, CancellationToken ct)
    {
        BmpHeader header = BmpHeader.Read(data, dib);
        ImageIntake.CheckSize((int)Math.Min(header.Width, int.MaxValue), (int)Math.Min(header.Height, int.MaxValue), options);
        long offset = header.PixelOffset;
        if (offset > data.Length)
        {
            throw ImageIntakeException.Invalid($"The BMP pixel-data offset {offset} lies outside the {data.Length}-byte payload.");
        }

        Span<byte> levels = stackalloc byte[256];
        if (header.Bits <= 8)
        {
            header.FillLevels(data, levels);
        }

        int w = (int)header.Width, h = (int)header.Height;
        ReadOnlySpan<byte> pixels = data[(int)offset..];
        bool dither = options.Mode == ConversionMode.Pillow && header.Mode is PillowMode.Grey or PillowMode.Colour;
        BitImage image = BitImage.CreatePooled(w, h);
        try
        {
            if (header.Layout == BmpLayout.Rle)
            {
                ReadRle(pixels, (int)offset, header.Rle4, w, h, header.TopDown, levels, dither, options.Level, image, ct);
            }
            else
            {
                ReadRows(pixels, header.Layout, header.Bits, w, h, header.TopDown, levels, dither, options.Level, image, ct);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static void ReadRows(
        ReadOnlySpan<byte> pixels, BmpLayout layout, int bits, int width, int height, bool topDown, ReadOnlySpan<byte> levels, bool dither, byte level, BitImage image, CancellationToken ct)
    {
        long stride = (((long)width * bits) + 31) >> 3 & ~3L;
        if (stride * height > pixels.Length)
        {
            throw ImageIntakeException.Invalid(
                $"The BMP pixel data is truncated: {stride * height} bytes needed, {pixels.Length} after the pixel offset.");
        }

        // 1-bit rows whose two levels are one black, one white go straight in as packed bits.
        bool packed = bits == 1 && (levels[0] >= 128) != (levels[1] >= 128);
        using var writer = new BilevelRowWriter(image, dither, level);
        for (int y = 0; y < height; y++)
        {
            ct.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> row = pixels.Slice((int)((topDown ? y : height - 1 - y) * stride), (int)stride);
            if (packed)
            {
                image.SetRow(y, row, BitOrder.MsbFirst, invert: levels[0] >= 128);
                continue;
            }

            Span<byte> v = writer.NextRow();
            switch (layout)
            {
                case BmpLayout.Indexed:
                    int mask = (1 << bits) - 1;
                    for (int x = 0; x < width; x++)
                    {
                        int bit = x * bits;
                        v[x] = levels[(row[bit >> 3] >> (8 - bits - (bit & 7))) & mask];
                    }

                    break;
                case BmpLayout.Bgr15 or BmpLayout.Bgr16:
                    bool six = layout == BmpLayout.Bgr16;
                    for (int x = 0; x < width; x++)
                    {
                        int p = row[2 * x] | (row[(2 * x) + 1] << 8);
                        int red = six ? ((p >> 11) & 31) * 255 / 31 : ((p >> 10) & 31) * 255 / 31;
                        int green = six ? ((p >> 5) & 63) * 255 / 63 : ((p >> 5) & 31) * 255 / 31;
                        int blue = (p & 31) * 255 / 31;
                        v[x] = (byte)(PillowBilevel.Luma1000((byte)red, (byte)green, (byte)blue) / 1000);
                    }

                    break;
                default:
                    // Byte positions of R, G, B in each pixel of the layout.
                    (int step, int ri, int gi, int bi) = layout switch
                    {
                        BmpLayout.Bgr => (3, 2, 1, 0),
                        BmpLayout.Bgrx or BmpLayout.Bgra => (4, 2, 1, 0),
                        BmpLayout.Xbgr or BmpLayout.Abgr => (4, 3, 2, 1),
                        _ => (4, 0, 1, 2), // Rgba
                    };
                    for (int x = 0, i = 0; x < width; x++, i += step)
                    {
                        v[x] = (byte)(PillowBilevel.Luma1000(row[i + ri], row[i + gi], row[i + bi]) / 1000);
                    }

                    break;
            }

            writer.Commit(y);
        }
    }

    /// <summary>
    /// RLE8/RLE4 into an index plane (Pillow decodes the whole stream first too), then the rows. <paramref name="fileOffset"/>
    /// is where <paramref name="codes"/> starts in the file: Pillow aligns absolute runs on the file position.
    /// </summary>
    private static void ReadRle(
        ReadOnlySpan<byte> codes, int fileOffset, bool rle4, int width, int height, bool topDown, ReadOnlySpan<byte> levels, bool dither, byte level, BitImage image, CancellationToken ct)
    {
        long total = (long)width * height;

        // Every index is written before the count passes it, so the plane needs no clearing; not pooled, as it can be
        // as large as the pixel budget.
        byte[] plane = GC.AllocateUninitializedArray<byte>((int)total);
        long n = 0, x = 0;
        int at = 0;
        while (n < total && at + 2 <= codes.Length)
        {
            if ((at & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            int count = codes[at], code = codes[at + 1];
            at += 2;
            if (count != 0)
            {
                // Encoded run, clipped at the row end.
                long run = Math.Min(count, Math.Max(0, width - x));
                for (long i = 0; i < run && n < total; i++)
                {
                    plane[n++] = (byte)(rle4 ? ((i & 1) == 0 ? code >> 4 : code & 15) : code);
                }

                x += run;
            }
            else if (code == 0)
            {
                long pad = (width - (n % width)) % width;
                plane.AsSpan((int)n, (int)Math.Min(pad, total - n)).Clear();
                n += pad;
                x = 0;
            }
            else if (code == 1)
            {
                break;
            }
            else if (code == 2)
            {
                // Delta, by the format: dx and dy are the two bytes after the code (skipped pixels are index 0).
                if (at + 2 > codes.Length)
                {
                    break;
                }

                long skip = codes[at] + ((long)codes[at + 1] * width);
                at += 2;
                plane.AsSpan((int)n, (int)Math.Min(skip, total - n)).Clear();
                n += skip;
                x = n % width;
            }
            else
            {
                // Absolute run of `code` pixels, not clipped to the row (as Pillow); RLE4 packs two per byte.
                int bytes = rle4 ? (code + 1) / 2 : code;
                if (at + bytes > codes.Length)
                {
                    break;
                }

                for (int i = 0; i < code && n < total; i++)
                {
                    byte packed = codes[at + (rle4 ? i / 2 : i)];
                    plane[n++] = (byte)(rle4 ? ((i & 1) == 0 ? packed >> 4 : packed & 15) : packed);
                }

                at += bytes;
                x += code;
                if (((fileOffset + at) & 1) != 0)
                {
                    at++;
                }
            }
        }

        if (n < total)
        {
            throw ImageIntakeException.Invalid(
                $"The RLE bitmap ends after {n} of its {total} pixels (Pillow refuses it: not enough image data).");
        }

        using var writer = new BilevelRowWriter(image, dither, level);
        for (int y = 0; y < height; y++)
        {
            ct.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> row = plane.AsSpan((int)((long)(topDown ? y : height - 1 - y) * width), width);
            Span<byte> v = writer.NextRow();
            for (int i = 0; i < width; i++)
            {
                v[i] = levels[row[i]];
            }

            writer.Commit(y);
        }
    }
}
