using System.Buffers;
using System.IO.Compression;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads every PNG itself, as Pillow 9.4 opens it (every colour type and bit depth, Adam7, any filter), so none
/// reaches ImageSharp (2.1.13 loops forever or misreads interlaced images of width 4 or less). Rows are inflated in
/// blocks, unfiltered in place and turned into one 8-bit value per pixel at once: the grey value Pillow dithers, or
/// for a palette the luma of its colour, thresholded. Nothing is allocated per row or pixel; an interlaced image
/// collects its values in one plane (one byte per pixel) before the rows go out in order.
/// </summary>
internal static class PngReader
{
    // The chunk list, kept per thread between images (a small image's intake would otherwise allocate it each time).
    // Taken while in use, so a nested call on the same thread gets its own.
    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? t_idat;

    // Rows are inflated this many bytes at a time (whole rows, at least one), as in Png1BitReader.
    private const int BlockBytes = 128 * 1024;

    // Adam7 passes: x start, y start, x step, y step.
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    /// <summary>
    /// The intake of a PNG: header checked, size admitted, then the packed 1-bit path (when allowed and the image is
    /// non-interlaced 1-bit) or the general reader.
    /// </summary>
    public static BitImage Decode(ReadOnlyMemory<byte> file, IntakeOptions options, bool useFastPaths, CancellationToken ct)
    {
        PngHeader header = PngHeader.Read(file.Span)
            ?? throw ImageIntakeException.Invalid("The PNG file does not start with its signature and a 13-byte IHDR chunk.");
        if (!header.IsValidLayout)
        {
            throw ImageIntakeException.Invalid(
                $"The PNG bit depth {header.BitDepth} is not allowed for colour type {header.ColorType}.");
        }

        ImageIntake.CheckSize(header.Width, header.Height, options);
        List<ReadOnlyMemory<byte>> idat = t_idat ?? [];
        t_idat = null;
        try
        {
            return Decode(file, header, idat, options, useFastPaths, ct);
        }
        finally
        {
            // Drops the references into the payload, which goes back to its pool.
            idat.Clear();
            t_idat = idat;
        }
    }

    private static BitImage Decode(
        ReadOnlyMemory<byte> file, PngHeader header, List<ReadOnlyMemory<byte>> idat, IntakeOptions options, bool useFastPaths, CancellationToken ct)
    {
        ReadOnlySpan<byte> palette = PngChunks.Read(file, idat).Span;
        if (header.ColorType == 3 && palette.Length / 3 > 256)
        {
            throw ImageIntakeException.Invalid($"The PNG palette has {palette.Length / 3} entries; at most 256 are allowed.");
        }

        // Pillow's palette starts as the grey ramp (i, i, i) and the PLTE entries overwrite its start, so an index
        // past the PLTE (or any index without one) is that grey.
        Span<byte> levels = stackalloc byte[256];
        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = (byte)i;
        }

        if (header.ColorType == 3)
        {
            for (int i = 0; i < palette.Length / 3; i++)
            {
                levels[i] = (byte)(PillowBilevel.Luma1000(palette[3 * i], palette[(3 * i) + 1], palette[(3 * i) + 2]) / 1000);
            }
        }

        if (useFastPaths && header.IsPacked1Bit)
        {
            // Grey 1-bit is 0 and 255; a 1-bit palette, its first two levels.
            bool white0 = header.ColorType == 3 && levels[0] >= 128;
            bool white1 = header.ColorType != 3 || levels[1] >= 128;
            return Png1BitReader.Read(idat, header.Width, header.Height, white0, white1, ct);
        }

        return Read(idat, header, levels, options, ct);
    }

    private static BitImage Read(List<ReadOnlyMemory<byte>> idat, PngHeader header, ReadOnlySpan<byte> levels, IntakeOptions options, CancellationToken ct)
    {
        int width = header.Width, height = header.Height;
        bool dither = options.Mode == ConversionMode.Pillow && header.PillowMode is PillowMode.Grey or PillowMode.Colour;
        int maxStride = checked((int)header.RowBytes(width) + 1);
        int blockRows = Math.Clamp(BlockBytes / maxStride, 1, height);
        bool wavefrontPaeth = header.ColorType != 3 && header.BitsPerPixel >= 8;

        // Several blocks of 8-bit grey and a helper idle now: ZLibStream inflates into the whole-image buffer block by
        // block while the other side unfilters and converts (PngPipeline). It costs ~40% more inflate CPU than
        // libdeflate's one call and pays only where the stream is the shorter side: at one byte a pixel; at 3 the
        // stream alone is as long as libdeflate + dither (docs/PERFORMANCE.md, round 4). The rest keeps the paths below.
        IIntakeHelpers? helpers = height > blockRows ? options.Helpers : null;
        bool streamable = (header.ColorType == 0 && header.BitDepth == 8) || (options.StreamEveryLayout && wavefrontPaeth);
        byte[]? streamed = !header.IsInterlaced && streamable && helpers is { HasIdleHelper: true }
            ? PngInflate.RentBuffer(header, 0)
            : null;

        // libdeflate inflates the whole image at once (slot 0 a zero row, then every scanline); null when it is not
        // installed, not allowed, or the stream needs the managed inflater's verdict (see PngInflate).
        byte[]? inflated = streamed is not null || header.IsInterlaced || options.ManagedInflate ? null : PngInflate.Whole(idat, header);
        byte[] scratch = streamed ?? inflated ?? ArrayPool<byte>.Shared.Rent(checked(maxStride * (blockRows + 1)));
        byte[] values = ArrayPool<byte>.Shared.Rent(width);
        byte[]? plane = null;
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var zlib = inflated is null ? new ZLibStream(new SegmentStream(idat), CompressionMode.Decompress) : null;
            using var writer = new BilevelRowWriter(image, dither, options.Level);
            if ((streamed ?? inflated) is { } whole && helpers is not null)
            {
                // Unfilter on one thread while another converts; streamed: inflate there too, block by block.
                PngPipeline.Run(whole, streamed is null ? null : zlib, header, levels.ToArray(), writer, blockRows, wavefrontPaeth, helpers, ct);
                return image;
            }

            var rows = new RowSource(zlib, scratch, header.BitsPerPixel, wavefrontPaeth);
            if (!header.IsInterlaced)
            {
                rows.StartPass(width, height, blockRows, 0);
                for (int y = 0; y < height; y++)
                {
                    ct.ThrowIfCancellationRequested();
                    // Straight from the inflated, unfiltered scanline into the writer's row: nothing holds more
                    // than a block of scanlines and the few rows the dither takes at once.
                    PngSamples.ToValues(header, levels, rows.Next(y), writer.NextRow());
                    writer.Commit(y);
                }

                return image;
            }

            // Every pixel belongs to exactly one pass, and a pass cut short throws, so the plane is fully written.
            plane = GC.AllocateUninitializedArray<byte>(checked(width * height));
            for (int p = 0; p < Adam7.Length; p += 4)
            {
                int x0 = Adam7[p], y0 = Adam7[p + 1], dx = Adam7[p + 2], dy = Adam7[p + 3];
                int passWidth = (width - x0 + dx - 1) / dx, passHeight = (height - y0 + dy - 1) / dy;
                if (passWidth <= 0 || passHeight <= 0)
                {
                    continue; // a pass without pixels has no scanlines (not even filter bytes)
                }

                rows.StartPass(passWidth, passHeight, blockRows, (p / 4) + 1);
                Span<byte> passValues = values.AsSpan(0, passWidth);
                for (int j = 0; j < passHeight; j++)
                {
                    ct.ThrowIfCancellationRequested();
                    PngSamples.ToValues(header, levels, rows.Next(j), passValues);
                    Span<byte> target = plane.AsSpan((y0 + (j * dy)) * width, width);
                    for (int i = 0, x = x0; i < passWidth; i++, x += dx)
                    {
                        target[x] = passValues[i];
                    }
                }
            }

            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                writer.WriteGrey(y, plane.AsSpan(y * width, width));
            }

            return image;
        }
        catch (InvalidDataException ex)
        {
            image.Dispose();
            throw ImageIntakeException.Invalid("The PNG image data is not a valid zlib stream.", ex);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(values);
        }
    }

    /// <summary>
    /// Unfilters <paramref name="count"/> scanlines in place, the first in slot <paramref name="firstSlot"/> of
    /// <paramref name="buffer"/> (slot <c>i</c> at <c>i * stride</c>: its filter byte, then the row) with the unfiltered
    /// row above it in the slot before; where <paramref name="wavefrontPaeth"/>, rows of one- and two-byte units (8-bit
    /// grey; grey+alpha, 16-bit grey) up to 31 at a time in vector lanes (<see cref="PngBandUnfilter"/>) and runs of
    /// four Paeth rows of other units together.
    /// </summary>
    internal static void UnfilterRows(byte[] buffer, int firstSlot, int count, int stride, int rowBytes, int bpp, bool wavefrontPaeth, int firstY)
    {
        const int Group = PngPaethRows.Rows;
        bool bands = wavefrontPaeth && bpp is 1 or 2;
        for (int r = 0; r < count;)
        {
            int at = (firstSlot + r) * stride;
            int band = Math.Min(PngBandUnfilter.Rows, count - r);
            if (bands && PngBandUnfilter.Pays(buffer, at, band, stride, rowBytes, bpp))
            {
                PngBandUnfilter.Apply(buffer, at, band, stride, rowBytes, bpp);
                r += band;
                continue;
            }

            if (wavefrontPaeth && r + Group <= count && AllPaeth(buffer, at, stride, Group))
            {
                // 3- and 4-byte pixels a vector step each where the CPU allows; other units a byte at a time.
                if (!PngPaethPixels.ApplyRows(buffer, at + 1, stride, rowBytes, bpp))
                {
                    PngPaethRows.Apply(buffer, at + 1, stride, rowBytes, bpp);
                }

                r += Group;
                continue;
            }

            PngUnfilter.Apply(buffer[at], buffer.AsSpan(at + 1, rowBytes), buffer.AsSpan(at - stride + 1, rowBytes), bpp, firstY + r);
            r++;
        }
    }

    private static bool AllPaeth(byte[] buffer, int at, int stride, int count)
    {
        for (int k = 0; k < count; k++)
        {
            if (buffer[at + (k * stride)] != 4)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The refusal of image data that ends at scanline <paramref name="row"/> of a pass of <paramref name="rows"/>.</summary>
    internal static ImageIntakeException Truncated(int row, int rows, int pass)
    {
        string where = pass == 0 ? string.Empty : $" of interlace pass {pass}";
        return ImageIntakeException.Invalid($"The PNG image data is truncated: it ends at row {row}{where} of {rows}.");
    }

    /// <summary>
    /// Scanlines of one pass, inflated a block at a time into <c>scratch</c> and unfiltered in place. Slot 0 holds the
    /// row above the block's first (zeros at the start of a pass); slots 1..n the block's rows with their filter bytes.
    /// With <paramref name="wavefrontPaeth"/> (continuous-tone samples: grey, RGB, with or without alpha, 8 or 16 bits),
    /// rows of 1- and 2-byte units go up to 31 at a time in vector lanes (<see cref="PngBandUnfilter"/>), runs of Paeth
    /// rows of other units four at a time as a wavefront (<see cref="PngPaethPixels.ApplyRows"/> for 3- and 4-byte
    /// pixels, <see cref="PngPaethRows"/> otherwise); palette and sub-byte rows keep the single-row unfilter, whose
    /// word-at-a-time copies pay on line art (measured against the bands: docs/PERFORMANCE.md, round 4).
    /// Without <paramref name="zlib"/>, <c>scratch</c> already holds every scanline of the (one) pass after slot 0, and a
    /// block is a window that moves down it.
    /// </summary>
    private struct RowSource(ZLibStream? zlib, byte[] scratch, int bitsPerPixel, bool wavefrontPaeth)
    {
        private readonly int _bpp = Math.Max(1, bitsPerPixel / 8);
        private int _stride;
        private int _rowBytes;
        private int _rows;
        private int _blockRows;
        private int _pass;
        private int _inBlock;
        private int _next;
        private int _read;
        private int _base;

        public void StartPass(int width, int rows, int maxBlockRows, int pass)
        {
            _rowBytes = (int)((((long)width * bitsPerPixel) + 7) / 8);
            _stride = _rowBytes + 1;
            _rows = rows;
            _blockRows = Math.Min(maxBlockRows, rows);
            _pass = pass;
            _inBlock = 0;
            _next = 1;
            _read = 0;
            _base = 0;
            Array.Clear(scratch, 0, _stride);
        }

        /// <summary>Row <paramref name="y"/> of the pass (called in order), unfiltered, without its filter byte.</summary>
        public Span<byte> Next(int y)
        {
            if (_next > _inBlock)
            {
                int count = Math.Min(_blockRows, _rows - _read);
                if (zlib is null)
                {
                    // Already inflated: the block after the last one, whose last row is the new block's slot 0.
                    _base += _inBlock;
                }
                else
                {
                    if (_inBlock > 0)
                    {
                        scratch.AsSpan(_inBlock * _stride, _stride).CopyTo(scratch);
                    }

                    Span<byte> block = scratch.AsSpan(_stride, count * _stride);
                    int got = zlib.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                    if (got < block.Length)
                    {
                        throw Truncated(_read + (got / _stride), _rows, _pass);
                    }
                }

                _read += count;
                _inBlock = count;
                _next = 1;
                UnfilterBlock(y);
            }

            Span<byte> row = scratch.AsSpan(((_base + _next) * _stride) + 1, _rowBytes);
            _next++;
            return row;
        }

        // The whole block at once, so that consecutive Paeth rows can run together; firstY is its first row's number.
        private readonly void UnfilterBlock(int firstY) =>
            UnfilterRows(scratch, _base + 1, _inBlock, _stride, _rowBytes, _bpp, wavefrontPaeth, firstY);
    }
}
