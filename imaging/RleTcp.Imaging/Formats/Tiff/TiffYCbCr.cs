using System.Buffers;
using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// YCbCr (photometric 6) pages that are not JPEG-compressed, read as Pillow 9.4 reads them: through libtiff 4.5's
/// RGBA interface (<c>TIFFRGBAImageGet</c>, one call per strip or row of tiles). Each chunk holds blocks of
/// YCbCrSubsampling h x v luma samples and one Cb, Cr pair; every pixel takes its own Y and its block's chroma
/// (no interpolation) through libtiff's integer tables (<c>TIFFYCbCrToRGBInit</c>, float steps kept in float), from
/// YCbCrCoefficients and ReferenceBlackWhite. libtiff's quirks are followed so the pixels agree: a 4x4 strip reads
/// only its whole scanlines (an odd count of blocks a row loses its last chroma pair, read as 0); a 4x4 tile clipped
/// at the right edge skips 10 bytes, not 18, per block it leaves out; the Orientation flips each call's rows and
/// mirrors every row before Pillow turns the image again (<see cref="TiffOrientation"/>).
/// </summary>
internal static class TiffYCbCr
{
    private const int Shift = 16, OneHalf = 1 << (Shift - 1);

    /// <summary>Pillow's mode for these pages ("RGB", from libtiff's RGBA raster).</summary>
    public static TiffPixelFormat Format => new(TiffSamples.Rgb, false, false, 3);

    /// <summary>Whether the page is YCbCr that this reader takes (or refuses, in <see cref="Check"/>) as Pillow does.</summary>
    public static bool Reads(TiffHeader h) =>
        h.Photometric == 6 && h.Compression is not (6 or 7 or 50001) && (h.PlanarConfiguration == 1 || h.SamplesPerPixel == 1);

    /// <summary>Refuses (InvalidImage) what Pillow 9.4 and libtiff refuse, and what is not read here.</summary>
    public static void Check(TiffHeader h)
    {
        if (h.BitsPerSample != 8 || h.SamplesPerPixel != 3 || h.BitsCount is not (1 or 3) || h.ExtraSamples.Count != 0 || h.SampleFormat != 1)
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF YCbCr page has {h.SamplesPerPixel} samples of {h.BitsPerSample} bits ({h.ExtraSamples.Count} extra, sample format {h.SampleFormat}); Pillow 9.4 opens 3 of 8 bits.");
        }

        if (h.FillOrder != 1 || (h.Compression != 1 && !TiffCodecs.Reads(h.Compression)))
        {
            // Pillow 9.4's OPEN_INFO has no YCbCr key with FillOrder 2: it cannot identify the file.
            throw ImageIntakeException.Invalid(
                $"The TIFF YCbCr page with compression {h.Compression} and FillOrder {h.FillOrder} is not read (Pillow 9.4 has no mode for FillOrder 2).");
        }

        if (h.Predictor != 1)
        {
            throw ImageIntakeException.Invalid($"The TIFF YCbCr page has predictor {h.Predictor}; subsampled samples are read without one.");
        }

        if (h.YCbCrSubsampling is not ((1, 1) or (1, 2) or (2, 1) or (2, 2) or (4, 1) or (4, 2) or (4, 4)))
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF YCbCrSubsampling is {h.YCbCrSubsampling.Horizontal}x{h.YCbCrSubsampling.Vertical}; libtiff (so Pillow 9.4) converts 1x1, 1x2, 2x1, 2x2, 4x1, 4x2 and 4x4.");
        }
    }

    /// <summary>The decoded bytes of strip or tile <paramref name="index"/>: its rows in blocks, the last block row whole.</summary>
    public static long ChunkBytes(TiffHeader h, int index)
    {
        (int sh, int sv) = h.YCbCrSubsampling;
        long width = h.IsTiled ? h.TileWidth : h.Width;
        long rows = h.IsTiled ? h.TileLength : StripRows(h, index);
        return ((rows + sv - 1) / sv) * BlockRowBytes(width, sh, sv);
    }

    /// <summary>Decodes every chunk of <paramref name="h"/> into the image's RGB <paramref name="bands"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> data, TiffHeader h, byte[] bands, CancellationToken ct)
    {
        Span<int> tables = stackalloc int[TableLength];
        Tables(data, h, tables);
        (int sh, int sv) = h.YCbCrSubsampling;
        int width = h.Width, height = h.Height, blockBytes = (sh * sv) + 2;
        int chunkWidth = h.IsTiled ? h.TileWidth : width;
        int chunkRows = h.IsTiled ? h.TileLength : (int)Math.Clamp(h.RowsPerStrip, 1, height);
        int across = (int)(((long)width + chunkWidth - 1) / chunkWidth);
        long largest = ((long)(chunkRows + sv - 1) / sv) * BlockRowBytes(chunkWidth, sh, sv);
        if (largest > Math.Max(1L << 24, 4L * width * height))
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF {(h.IsTiled ? "tiles" : "strips")} of {chunkWidth}x{chunkRows} decode to more bytes than the {width}x{height} image they cover.");
        }

        byte[] plain = ArrayPool<byte>.Shared.Rent((int)largest);
        try
        {
            for (int chunk = 0; chunk < h.ChunksNeeded; chunk++)
            {
                ct.ThrowIfCancellationRequested();
                int x0 = (chunk % across) * chunkWidth, y0 = (chunk / across) * chunkRows;
                int rows = Math.Min(chunkRows, height - y0), visible = Math.Min(chunkWidth, width - x0);
                int rowBytes = BlockRowBytes(chunkWidth, sh, sv);
                int size = (int)ChunkBytes(h, chunk);

                // A strip is read as whole scanlines of rowBytes / v (rounded down); the bytes past them stay 0.
                int needed = h.IsTiled ? size : ((rows + sv - 1) / sv) * sv * (rowBytes / sv);
                Span<byte> buffer = plain.AsSpan(0, size);
                buffer.Clear();
                ReadOnlySpan<byte> stored = TiffCodecs.ChunkBytes(data, h, chunk);
                int got = h.Compression == 1 ? Math.Min(stored.Length, needed) : TiffCodecs.Decompress(stored, h.Compression, lsbFirst: false, buffer[..needed]);
                if (got < needed)
                {
                    throw ImageIntakeException.Invalid(
                        $"The TIFF file is truncated: {(h.IsTiled ? "tile" : "strip")} {chunk} gives {got} of the {needed} bytes its {rows} rows need.");
                }

                if (h.Compression == 1)
                {
                    stored[..needed].CopyTo(buffer);
                }

                ConvertChunk(tables, buffer, h, (sh, sv), chunkWidth, (x0, y0, visible, rows), bands);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    /// <summary>Ints of the conversion tables <see cref="Tables"/> fills.</summary>
    internal const int TableLength = 5 * 256;

    /// <summary>libtiff's tables for the page's YCbCrCoefficients and ReferenceBlackWhite (refused when libtiff refuses them).</summary>
    internal static void Tables(ReadOnlySpan<byte> data, TiffHeader h, Span<int> tables) =>
        BuildTables(Floats(data, h, h.YCbCrCoefficients, DefaultLuma), Floats(data, h, h.ReferenceBlackWhite, DefaultReferenceBlackWhite), tables);

    /// <summary>
    /// One chunk of blocks (<paramref name="chunkWidth"/> pixels wide; <paramref name="area"/> the part inside the
    /// image) into the image's RGB <paramref name="bands"/>, as libtiff's put routine and its flips place it.
    /// </summary>
    internal static void ConvertChunk(
        ReadOnlySpan<int> tables, ReadOnlySpan<byte> blocks, TiffHeader h, (int H, int V) subsampling, int chunkWidth, (int X, int Y, int Width, int Rows) area, byte[] bands)
    {
        (int sh, int sv) = subsampling;
        int width = h.Width, blockBytes = (sh * sv) + 2;

        // libtiff's flips for Pillow's requested top-left origin: within each call (a strip, or a row of tiles).
        bool flipRows = h.Orientation is 3 or 4 or 7 or 8, mirror = h.Orientation is 2 or 3 or 6 or 7;

        // Between block rows libtiff skips the blocks past a clipped tile's edge: 10 bytes each for 4x4 (its bug).
        int skipped = (chunkWidth - area.Width) / sh;
        int stride = (((area.Width + sh - 1) / sh) * blockBytes) + (skipped * ((sh, sv) == (4, 4) ? 10 : blockBytes));
        for (int r = 0; r < area.Rows; r++)
        {
            int y = flipRows ? area.Y + area.Rows - 1 - r : area.Y + r;
            int blockRow = (r / sv) * stride, within = (r % sv) * sh;
            Span<byte> target = bands.AsSpan(y * width * 3, width * 3);
            for (int c = 0; c < area.Width; c++)
            {
                int block = blockRow + ((c / sh) * blockBytes);
                int x = mirror ? width - 1 - (area.X + c) : area.X + c;
                ToRgb(tables, blocks[block + within + (c % sh)], blocks[block + (sh * sv)], blocks[block + (sh * sv) + 1], target.Slice(x * 3, 3));
            }
        }
    }

    /// <summary>Bytes per value of the field types libtiff reads as floats (0: a type it does not).</summary>
    public static int FloatValueSize(int type) => type switch
    {
        1 or 6 => 1,
        3 or 8 => 2,
        4 or 9 or 11 => 4,
        5 or 10 or 12 or 16 or 17 => 8,
        _ => 0,
    };

    private static ReadOnlySpan<float> DefaultLuma => [0.299f, 0.587f, 0.114f];

    // libtiff's default for YCbCr, where the tag is required: full-range luma, chroma centred on 128.
    private static ReadOnlySpan<float> DefaultReferenceBlackWhite => [0f, 255f, 128f, 255f, 128f, 255f];

    private static int StripRows(TiffHeader h, int index)
    {
        long rowsPerStrip = Math.Clamp(h.RowsPerStrip, 1, Math.Max(1, h.Height));
        return (int)Math.Min(rowsPerStrip, h.Height - ((index % ((h.Height + rowsPerStrip - 1) / rowsPerStrip)) * rowsPerStrip));
    }

    private static int BlockRowBytes(long width, int sh, int sv) => (int)Math.Min(int.MaxValue, ((width + sh - 1) / sh) * ((sh * sv) + 2));

    // The field's values as libtiff's TIFFReadDirEntryFloatArray gives them (the directory kept only a field of the
    // count libtiff requires, inside the file: else libtiff ignores it and so does this), checked as
    // initYCbCrConversion checks them.
    private static float[] Floats(ReadOnlySpan<byte> data, TiffHeader h, TiffArray field, ReadOnlySpan<float> fallback)
    {
        var values = fallback.ToArray();
        if (field.Count == values.Length)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = FloatValue(data.Slice((int)field.Position + (i * FloatValueSize(field.Type))), field.Type, h.LittleEndian);
            }
        }

        bool luma = values.Length == 3;
        bool valid = luma
            ? !float.IsNaN(values[0]) && !float.IsNaN(values[1]) && values[1] != 0 && !float.IsNaN(values[2])
            : Array.TrueForAll(values, v => v > (float)(-0x7FFFFFFF + 128) && v < (float)0x7FFFFFFF);
        return valid
            ? values
            : throw ImageIntakeException.Invalid($"The TIFF {(luma ? "YCbCrCoefficients" : "ReferenceBlackWhite")} values are invalid (libtiff refuses them).");
    }

    private static float FloatValue(ReadOnlySpan<byte> at, int type, bool little)
    {
        uint first = type is 4 or 9 or 11 or 5 or 10 ? U32(at, little) : 0;
        uint second = type is 5 or 10 ? U32(at[4..], little) : 0;
        ulong u64 = type is 12 or 16 or 17 ? (little ? BinaryPrimitives.ReadUInt64LittleEndian(at) : BinaryPrimitives.ReadUInt64BigEndian(at)) : 0;
        ushort u16 = type is 3 or 8 ? (little ? BinaryPrimitives.ReadUInt16LittleEndian(at) : BinaryPrimitives.ReadUInt16BigEndian(at)) : (ushort)0;
        return type switch
        {
            1 => at[0],
            6 => (sbyte)at[0],
            3 => u16,
            8 => (short)u16,
            4 => first,
            9 => (int)first,
            11 => BitConverter.UInt32BitsToSingle(first),
            5 => second == 0 ? 0f : first / (float)second,
            10 => second == 0 ? 0f : (int)first / (float)second,
            12 => (float)Math.Clamp(BitConverter.UInt64BitsToDouble(u64), -float.MaxValue, float.MaxValue),
            16 => u64,
            _ => (long)u64,
        };
    }

    private static uint U32(ReadOnlySpan<byte> at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(at) : BinaryPrimitives.ReadUInt32BigEndian(at);

    // TIFFYCbCrToRGBInit: Cr→R, Cb→B, Cr→G, Cb→G (with the rounding half), Y, each indexed by the stored byte.
    private static void BuildTables(float[] luma, float[] refBw, Span<int> tables)
    {
        float f1 = 2 - (2 * luma[0]);
        int d1 = Fix(Clamp2(f1));
        float f2 = luma[0] * f1 / luma[1];
        int d2 = -Fix(Clamp2(f2));
        float f3 = 2 - (2 * luma[2]);
        int d3 = Fix(Clamp2(f3));
        float f4 = luma[2] * f3 / luma[1];
        int d4 = -Fix(Clamp2(f4));
        for (int i = 0, x = -128; i < 256; i++, x++)
        {
            int cr = (int)ClampW(Code2V(x, refBw[4] - 128f, refBw[5] - 128f, 127));
            int cb = (int)ClampW(Code2V(x, refBw[2] - 128f, refBw[3] - 128f, 127));
            tables[i] = ((d1 * cr) + OneHalf) >> Shift;
            tables[256 + i] = ((d3 * cb) + OneHalf) >> Shift;
            tables[512 + i] = d2 * cr;
            tables[768 + i] = (d4 * cb) + OneHalf;
            tables[1024 + i] = (int)ClampW(Code2V(x + 128, refBw[0], refBw[1], 255));
        }
    }

    // TIFFYCbCrtoRGB, one pixel.
    private static void ToRgb(ReadOnlySpan<int> t, int y, int cb, int cr, Span<byte> rgb)
    {
        int luma = t[1024 + y];
        rgb[0] = (byte)Math.Clamp(luma + t[cr], 0, 255);
        rgb[1] = (byte)Math.Clamp(luma + ((t[768 + cb] + t[512 + cr]) >> Shift), 0, 255);
        rgb[2] = (byte)Math.Clamp(luma + t[256 + cb], 0, 255);
    }

    // FIX: the float scaled in float, then rounded in double.
    private static int Fix(float x) => (int)((double)(x * 65536f) + 0.5);

    // CLAMP(f, 0, 2), NaN to 0.
    private static float Clamp2(float f) => !(f >= 0f) ? 0f : f > 2f ? 2f : f;

    // CLAMPw(v, -128 * 32, 128 * 32).
    private static float ClampW(float v) => v < -4096f ? -4096f : v > 4096f ? 4096f : v;

    // Code2V(c, RB, RW, CR): the code less the black point (truncated to an integer) scaled, all in float.
    private static float Code2V(int c, float rb, float rw, int cr)
    {
        float range = rw - rb;
        return unchecked(c - (int)rb) * (float)cr / (range != 0 ? range : 1f);
    }
}
