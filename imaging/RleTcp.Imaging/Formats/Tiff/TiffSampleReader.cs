using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads every non-bilevel TIFF layout Pillow 9.4 opens (<see cref="TiffPixelFormat"/>) as Pillow does: strips or
/// tiles (clipped at the image's edges), PlanarConfiguration 1 or 2, classic or BigTIFF, either byte order,
/// uncompressed, PackBits, LZW, Deflate or LZMA with Predictor 2 or 3, FillOrder 2. The samples become the 8-bit
/// bands of Pillow's mode (grey scaled, 16-bit and float clipped, colour high bytes), held for the whole image, then
/// each row is turned by the Orientation and converted as <c>convert('1')</c> from that mode would.
/// </summary>
internal static class TiffSampleReader
{
    // A strip or tile may decode to more than the image it covers (tile padding), but not without bound.
    private const long MinChunkAllowance = 1L << 24;

    /// <summary>Decodes <paramref name="h"/> (laid out as <paramref name="format"/>) and converts it.</summary>
    public static BitImage Read(ReadOnlySpan<byte> data, TiffHeader h, TiffPixelFormat format, IntakeOptions options, CancellationToken ct)
    {
        int width = h.Width, height = h.Height, kept = format.KeptBands;
        byte[] bands = ArrayPool<byte>.Shared.Rent(checked(width * height * kept));
        try
        {
            if (TiffOjpeg.Reads(h))
            {
                TiffOjpeg.Decode(data, h, bands, ct);
            }
            else if (TiffYCbCr.Reads(h))
            {
                TiffYCbCr.Decode(data, h, bands, ct);
            }
            else
            {
                Decode(data, h, format, bands, ct);
            }

            Span<byte> levels = stackalloc byte[256];
            if (format.Kind == TiffSamples.Palette)
            {
                PaletteLevels(data, h, levels);
            }

            return Convert(bands, h, format, levels, options, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bands);
        }
    }

    /// <summary>Whether <see cref="Read"/> reads this page's compression and predictor.</summary>
    public static bool Reads(TiffHeader h) =>
        (h.Compression == 1 || TiffCodecs.Reads(h.Compression) || TiffWebp.Reads(h) || TiffJpeg.Reads(h))
        && TiffPredictor.Supports(h.Compression is 1 or 7 or 32773 or 50001 ? 1 : h.Predictor, h.BitsPerSample, h.SampleFormat);

    private static void Decode(ReadOnlySpan<byte> data, TiffHeader h, TiffPixelFormat format, byte[] bands, CancellationToken ct)
    {
        int width = h.Width, height = h.Height, kept = format.KeptBands, bits = h.BitsPerSample;
        bool planar = h.PlanarConfiguration == 2 && h.SamplesPerPixel > 1;
        int perChunk = planar ? 1 : h.SamplesPerPixel;
        int chunkWidth = h.IsTiled ? h.TileWidth : width;
        int chunkRows = h.IsTiled ? h.TileLength : (int)Math.Clamp(h.RowsPerStrip, 1, height);
        int across = (int)(((long)width + chunkWidth - 1) / chunkWidth);
        long perPlane = across * (((long)height + chunkRows - 1) / chunkRows);
        long rowBytesLong = (((long)chunkWidth * perChunk * bits) + 7) / 8;
        long imageBytes = ((((long)width * h.SamplesPerPixel * bits) + 7) / 8) * height;
        if (rowBytesLong * Math.Min(chunkRows, height) > Math.Max(MinChunkAllowance, imageBytes))
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF {(h.IsTiled ? "tiles" : "strips")} of {chunkWidth}x{chunkRows} decode to more bytes than the {width}x{height} image they cover.");
        }

        int rowBytes = (int)rowBytesLong;
        int chunkBytes = checked(rowBytes * Math.Min(chunkRows, height));
        bool compressed = h.Compression != 1;
        int predictor = compressed && h.Compression is not (7 or 32773 or 50001) ? h.Predictor : 1;

        // libtiff hands Pillow 32-bit samples of a big-endian file in native (little-endian) order, and Pillow's raw
        // modes F;32BF, I;32BS then read them as big-endian: its values are the byte-swapped ones (Pillow 9.4's bug).
        bool little = h.LittleEndian || (compressed && bits == 32);
        byte[] plain = ArrayPool<byte>.Shared.Rent(chunkBytes);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(rowBytes);
        try
        {
            for (int chunk = 0; chunk < h.ChunksNeeded; chunk++)
            {
                int plane = planar ? (int)(chunk / perPlane) : 0;
                long index = chunk % perPlane;
                int x0 = (int)(index % across) * chunkWidth;
                int y0 = (int)(index / across) * chunkRows;
                int rows = Math.Min(chunkRows, height - y0);
                int size = rows * rowBytes;
                ReadOnlySpan<byte> stored = TiffCodecs.ChunkBytes(data, h, chunk);
                Span<byte> rowsOut = plain.AsSpan(0, size);
                if (compressed)
                {
                    int got = h.Compression switch
                    {
                        50001 => TiffWebp.Decode(stored, chunkWidth, rows, chunkRows, perChunk, rowsOut),
                        7 => TiffJpeg.Decode(data, h, stored, chunk, chunkWidth, rows, chunkRows, rowsOut),
                        _ => TiffCodecs.Decompress(stored, h.Compression, h.FillOrder == 2, rowsOut),
                    };
                    if (got < size)
                    {
                        throw ImageIntakeException.Invalid(
                            $"The TIFF file is truncated: {(h.IsTiled ? "tile" : "strip")} {chunk} decompresses to {got} of the {size} bytes its {rows} rows need.");
                    }
                }
                else
                {
                    if (stored.Length < size)
                    {
                        throw ImageIntakeException.Invalid(
                            $"The TIFF file is truncated: {(h.IsTiled ? "tile" : "strip")} {chunk} needs {size} bytes, {stored.Length} are left.");
                    }

                    if (planar && h.IsTiled && x0 + chunkWidth > width)
                    {
                        PillowPlanarTileRows(stored, h, chunk, rows, rowBytes, rowsOut);
                    }
                    else
                    {
                        stored[..size].CopyTo(rowsOut);
                    }

                    if (h.FillOrder == 2 && !planar)
                    {
                        // Pillow unpacks an uncompressed plane with a one-letter raw mode, which never reverses bits.
                        BitReversal.Reverse(rowsOut);
                    }
                }

                int visible = Math.Min(chunkWidth, width - x0);
                for (int r = 0; r < rows; r++)
                {
                    ct.ThrowIfCancellationRequested();
                    Span<byte> row = rowsOut.Slice(r * rowBytes, rowBytes);
                    if (predictor != 1)
                    {
                        TiffPredictor.Undo(row, predictor, bits, perChunk, chunkWidth * perChunk, h.LittleEndian, scratch);
                    }

                    Span<byte> target = bands.AsSpan(((y0 + r) * width * kept) + (x0 * kept), visible * kept);
                    Unpack(row, format, bits, little, perChunk, planar ? plane : -1, kept, target);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    // Pillow's raw decoder steps through a tile that overhangs the right edge by w * sum(BitsPerSample) / 8, divided
    // for a plane by the bands its photometric has plus the ExtraSamples listed: a plane of RGB with a fourth sample
    // not listed as extra is stepped through at 4/3 of its row (Pillow 9.4's bug, followed so the pixels agree).
    private static void PillowPlanarTileRows(ReadOnlySpan<byte> stored, TiffHeader h, int chunk, int rows, int rowBytes, Span<byte> rowsOut)
    {
        int listed = (h.Photometric switch { 2 or 6 or 8 => 3, 5 => 4, _ => 1 }) + h.ExtraSamples.Count;
        int stride = (int)((double)h.TileWidth * h.SamplesPerPixel * h.BitsPerSample / 8 / listed);
        long needed = ((long)(rows - 1) * stride) + rowBytes;
        if (stride <= 0 || stored.Length < needed)
        {
            throw ImageIntakeException.Invalid($"The TIFF file is truncated: tile {chunk} needs {needed} bytes, {stored.Length} are left.");
        }

        for (int r = 0; r < rows; r++)
        {
            stored.Slice(r * stride, rowBytes).CopyTo(rowsOut.Slice(r * rowBytes, rowBytes));
        }
    }

    // One row of samples into the kept bands of its pixels: every sample of a chunky row (those past the kept bands,
    // alpha and extras, dropped), or band `plane` alone of a planar one.
    private static void Unpack(ReadOnlySpan<byte> row, TiffPixelFormat format, int bits, bool little, int perChunk, int plane, int kept, Span<byte> target)
    {
        int pixels = target.Length / kept;
        if (plane >= 0)
        {
            if (plane >= kept)
            {
                return;
            }

            for (int x = 0; x < pixels; x++)
            {
                target[(x * kept) + plane] = Band(row, x, format, bits, little);
            }

            return;
        }

        if (bits == 8 && kept == perChunk && !format.Invert && format.Kind is TiffSamples.Grey or TiffSamples.Palette or TiffSamples.Rgb or TiffSamples.Cmyk)
        {
            row[..target.Length].CopyTo(target);
            return;
        }

        for (int x = 0; x < pixels; x++)
        {
            for (int s = 0; s < kept; s++)
            {
                target[(x * kept) + s] = Band(row, (x * perChunk) + s, format, bits, little);
            }
        }
    }

    // Sample i of a row as the 8-bit band value of Pillow's mode (for a palette: the index).
    private static byte Band(ReadOnlySpan<byte> row, int i, TiffPixelFormat format, int bits, bool little)
    {
        uint raw = bits switch
        {
            1 or 2 or 4 => (uint)(row[(i * bits) >> 3] >> (8 - bits - ((i * bits) & 7))) & ((1u << bits) - 1),
            8 => row[i],
            12 => (i & 1) == 0
                ? (uint)((row[i * 3 / 2] << 4) | (row[(i * 3 / 2) + 1] >> 4))
                : (uint)(((row[i * 3 / 2] & 0x0F) << 8) | row[(i * 3 / 2) + 1]),
            16 => little ? BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * i)..]) : BinaryPrimitives.ReadUInt16BigEndian(row[(2 * i)..]),
            _ => little ? BinaryPrimitives.ReadUInt32LittleEndian(row[(4 * i)..]) : BinaryPrimitives.ReadUInt32BigEndian(row[(4 * i)..]),
        };
        switch (format.Kind)
        {
            case TiffSamples.Grey:
                uint v = bits switch { 2 => raw * 85, 4 => raw * 17, _ => raw };
                return (byte)(format.Invert ? 255 - v : v);
            case TiffSamples.Palette:
                return (byte)raw;
            case TiffSamples.Unsigned16:
                return (byte)Math.Min(raw, 255);
            case TiffSamples.Signed:
                return (byte)Math.Clamp(bits == 16 ? (short)raw : (int)raw, 0, 255);
            case TiffSamples.Float:
                // Pillow's f2l: <= 0 is 0, >= 255 is 255, else truncated (NaN is 0).
                float f = BitConverter.Int32BitsToSingle((int)raw);
                return f > 0 ? f >= 255 ? (byte)255 : (byte)f : (byte)0;
            default:
                return (byte)(bits == 16 ? raw >> 8 : raw);
        }
    }

    // Pillow keeps the high byte of each 16-bit colour map entry (reds, then greens, then blues); indices past the
    // map are its palette's initial grey ramp. The levels are the entries' luma, each thresholded (P → 1).
    private static void PaletteLevels(ReadOnlySpan<byte> data, TiffHeader h, Span<byte> levels)
    {
        if (h.ColorMap.Count == 0 || h.ColorMap.ValueSize == 0)
        {
            throw ImageIntakeException.Invalid("The TIFF palette image has no ColorMap.");
        }

        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = (byte)i;
        }

        long entries = Math.Min(h.ColorMap.Count / 3, 256);
        for (int i = 0; i < entries; i++)
        {
            byte r = (byte)(h.ArrayValue(data, h.ColorMap, i) >> 8);
            byte g = (byte)(h.ArrayValue(data, h.ColorMap, (int)(i + (h.ColorMap.Count / 3))) >> 8);
            byte b = (byte)(h.ArrayValue(data, h.ColorMap, (int)(i + (2 * (h.ColorMap.Count / 3)))) >> 8);
            levels[i] = (byte)(PillowBilevel.Luma1000(r, g, b) / 1000);
        }
    }

    private static BitImage Convert(byte[] bands, TiffHeader h, TiffPixelFormat format, ReadOnlySpan<byte> levels, IntakeOptions options, CancellationToken ct)
    {
        int width = h.Width, height = h.Height, kept = format.KeptBands, orientation = h.Orientation;
        bool swap = TiffOrientation.SwapsSides(orientation);
        BitImage image = swap ? BitImage.CreatePooled(height, width) : BitImage.CreatePooled(width, height);
        try
        {
            bool dither = options.Mode == ConversionMode.Pillow && format.Kind != TiffSamples.Palette;
            using var writer = new BilevelRowWriter(image, dither, options.Level);
            for (int y = 0; y < image.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                if (orientation == 1 && kept == 1 && format.Kind != TiffSamples.Palette)
                {
                    writer.WriteGrey(y, bands.AsSpan(y * width, width));
                    continue;
                }

                if (orientation == 1 && format.Kind == TiffSamples.Rgb && !format.Premultiplied)
                {
                    // A row of RGB (an RGBA page keeps 3 bands here): PillowLuma's row, not a pixel at a time.
                    writer.WriteRgb(y, bands.AsSpan(y * width * kept, width * kept), kept);
                    continue;
                }

                Span<byte> values = writer.NextRow();
                for (int x = 0; x < values.Length; x++)
                {
                    (int sx, int sy) = orientation == 1 ? (x, y) : TiffOrientation.Source(orientation, x, y, width, height);
                    values[x] = Value(bands.AsSpan(((sy * width) + sx) * kept, kept), format, levels);
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

    // The grey value convert('1') sees for one pixel's kept bands.
    private static byte Value(ReadOnlySpan<byte> px, TiffPixelFormat format, ReadOnlySpan<byte> levels)
    {
        switch (format.Kind)
        {
            case TiffSamples.Palette:
                return levels[px[0]];
            case TiffSamples.Rgb when format.Premultiplied:
            {
                // Pillow's unpackRGBa: colour * 255 / alpha, clipped; alpha 0 is black.
                int a = px[3];
                if (a == 0)
                {
                    return 0;
                }

                return a == 255
                    ? Luma(px[0], px[1], px[2])
                    : Luma(Clip8(px[0] * 255 / a), Clip8(px[1] * 255 / a), Clip8(px[2] * 255 / a));
            }

            case TiffSamples.Rgb:
                return Luma(px[0], px[1], px[2]);
            case TiffSamples.Cmyk:
            {
                // Pillow's cmyk2rgb (CMYK has no direct conversion to 1: it goes through RGB).
                int nk = 255 - px[3];
                return Luma(Clip8(nk - MulDiv255(px[0], nk)), Clip8(nk - MulDiv255(px[1], nk)), Clip8(nk - MulDiv255(px[2], nk)));
            }

            default:
                return px[0];
        }
    }

    private static int MulDiv255(int a, int b)
    {
        int t = (a * b) + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static byte Clip8(int v) => (byte)Math.Clamp(v, 0, 255);

    private static byte Luma(byte r, byte g, byte b) => (byte)(PillowBilevel.Luma1000(r, g, b) / 1000);
}
