using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// An array-valued TIFF field as stored: its type, how many values, and where the first value lies in the file
/// (inside the directory entry when the values fit in its value field, else at the offset the entry holds).
/// </summary>
internal readonly record struct TiffArray(int Type, long Count, long Position)
{
    /// <summary>Bytes per value of the types an array of offsets, counts or colours can have (0: not such a type).</summary>
    public int ValueSize => Type switch
    {
        1 or 6 => 1, // BYTE, SBYTE
        3 or 8 => 2, // SHORT, SSHORT
        4 or 9 => 4, // LONG, SLONG
        16 => 8,     // LONG8 (BigTIFF)
        _ => 0,
    };
}

/// <summary>
/// One IFD (page) of a classic or Big TIFF: size, photometric interpretation, sample layout, compression,
/// orientation and where the strips or tiles are. Read here because ImageSharp 2.1.13's TIFF identify throws on
/// ordinary files, because the photometric decides Pillow's mode, and because every field is checked against the
/// values the format (and Pillow 9.4) allows before anything is allocated or decoded.
/// </summary>
internal readonly struct TiffHeader
{
    // Pillow 9.4 has no OPEN_INFO mode for any other sample size, so it refuses them ("unknown pixel mode").
    private static readonly int[] KnownBitsPerSample = [1, 2, 4, 8, 12, 16, 32];

    // Directories are walked to reach page K; a chain longer than this is treated as hostile, not walked further.
    private const int MaxPages = 10_000;

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>TIFF tag 262: 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette, 5 CMYK, 6 YCbCr, ...</summary>
    public int Photometric { get; init; }

    public int BitsPerSample { get; init; }

    /// <summary>Tag 259: 1 uncompressed, 2 CCITT MH, 3 T.4, 4 T.6, 5 LZW, 7 JPEG, 8/32946 Deflate, 32773 PackBits.</summary>
    public int Compression { get; init; }

    public int SamplesPerPixel { get; init; }

    /// <summary>Tag 266: 1 is MSB first (the default), 2 is LSB first.</summary>
    public int FillOrder { get; init; }

    /// <summary>Tag 274: 1 (the default) is rows top to bottom, left to right; 2–8 are the mirrored and turned ones.</summary>
    public int Orientation { get; init; }

    /// <summary>Tag 284: 1 chunky (the default), 2 one plane per sample.</summary>
    public int PlanarConfiguration { get; init; }

    /// <summary>Tag 292 (T4Options): bit 0 two-dimensional coding, bit 2 fill bits before each EOL.</summary>
    public long T4Options { get; init; }

    public long RowsPerStrip { get; init; }

    /// <summary>Tag 273 (or 324, TileOffsets, for a tiled file).</summary>
    public TiffArray StripOffsets { get; init; }

    /// <summary>Tag 279 (or 325, TileByteCounts).</summary>
    public TiffArray StripByteCounts { get; init; }

    /// <summary>Tags 322/323 when the file is tiled, else 0.</summary>
    public int TileWidth { get; init; }

    /// <inheritdoc cref="TileWidth"/>
    public int TileLength { get; init; }

    /// <summary>Tag 320: the 16-bit colour map of a palette image.</summary>
    public TiffArray ColorMap { get; init; }

    public bool LittleEndian { get; init; }

    public bool BigTiff { get; init; }

    /// <summary>Which directory this is (0 = the first).</summary>
    public int Page { get; init; }

    /// <summary>Where this directory starts in the file.</summary>
    public long DirectoryOffset { get; init; }

    public bool IsTiled => TileWidth > 0;

    /// <summary>
    /// CCITT G3/G4 (compression 2, 3, 4) with BlackIsZero: ImageSharp 2.1.13 decodes these inverted relative to
    /// libtiff (and so Pillow, which writes its group4 files this way).
    /// </summary>
    public bool DecodesInverted => Compression is 2 or 3 or 4 && Photometric == 1;

    public PillowMode PillowMode => Photometric switch
    {
        0 or 1 when BitsPerSample == 1 => Imaging.PillowMode.Bilevel,
        0 or 1 => Imaging.PillowMode.Grey,
        3 => Imaging.PillowMode.Palette,
        _ => Imaging.PillowMode.Colour,
    };

    /// <summary>Reads directory <paramref name="page"/> (0 = the first) and checks its fields.</summary>
    public static TiffHeader Read(ReadOnlySpan<byte> data, int page = 0)
    {
        if (data.Length < 8)
        {
            throw ImageIntakeException.Invalid("The TIFF file is shorter than its header.");
        }

        bool little = data[0] == 'I';
        int version = U16(data, 2, little);
        bool big = version == 43;
        if (!big && version != 42)
        {
            throw ImageIntakeException.Invalid($"The TIFF version {version} is neither 42 (classic) nor 43 (BigTIFF).");
        }

        if (big && (data.Length < 16 || U16(data, 4, little) != 8 || U16(data, 6, little) != 0))
        {
            throw ImageIntakeException.Invalid("The BigTIFF header is malformed (offsets must be 8 bytes).");
        }

        long ifd = big ? (long)Math.Min(U64(data, 8, little), long.MaxValue) : U32(data, 4, little);
        var seen = new HashSet<long>();
        for (int k = 0; ; k++)
        {
            int headerSize = big ? 16 : 8;
            if (ifd < headerSize || ifd > data.Length - (big ? 8 : 2))
            {
                throw k == 0
                    ? ImageIntakeException.Invalid($"The TIFF directory offset {ifd} lies outside the {data.Length}-byte payload.")
                    : ImageIntakeException.Invalid($"The TIFF image has {Pages(k)}; page {page} does not exist (the next directory offset {ifd} lies outside the payload).");
            }

            long count = big ? (long)Math.Min(U64(data, (int)ifd, little), int.MaxValue) : U16(data, (int)ifd, little);
            int entrySize = big ? 20 : 12;
            long entries = ifd + (big ? 8 : 2);
            if (count > (data.Length - entries) / entrySize)
            {
                throw ImageIntakeException.Invalid($"The TIFF directory at {ifd} runs past the end of the file.");
            }

            if (k == page)
            {
                return ReadDirectory(data, (int)entries, (int)count, little, big, page) with { DirectoryOffset = ifd };
            }

            // Pillow 9.4 stops at the first directory it has already seen, so a chain that loops back has no
            // more pages; the pages before the repeat are read normally.
            seen.Add(ifd);
            long nextAt = entries + (count * entrySize);
            long next = nextAt + (big ? 8 : 4) > data.Length ? 0 : big ? (long)Math.Min(U64(data, (int)nextAt, little), long.MaxValue) : U32(data, (int)nextAt, little);
            if (next == 0 || seen.Contains(next) || k + 1 >= MaxPages)
            {
                throw ImageIntakeException.Invalid($"The TIFF image has {Pages(k + 1)}; page {page} does not exist.");
            }

            ifd = next;
        }
    }

    private static TiffHeader ReadDirectory(ReadOnlySpan<byte> data, int entries, int count, bool little, bool big, int page)
    {
        long width = 0, height = 0, rowsPerStrip = uint.MaxValue, t4 = 0;
        long photometric = -1, compression = 1, samples = 1, fillOrder = 1, orientation = 1, planar = 1;
        long tileWidth = 0, tileLength = 0;
        TiffArray offsets = default, byteCounts = default, tileOffsets = default, tileByteCounts = default;
        TiffArray colorMap = default, bitsField = default;
        int entrySize = big ? 20 : 12;
        for (int i = 0; i < count; i++)
        {
            int entry = entries + (i * entrySize);
            int tag = U16(data, entry, little);
            int type = U16(data, entry + 2, little);
            long n = big ? (long)Math.Min(U64(data, entry + 4, little), int.MaxValue) : U32(data, entry + 4, little);
            int valueField = entry + (big ? 12 : 8);
            int fieldSize = big ? 8 : 4;
            var array = new TiffArray(type, n, 0);
            long position = array.ValueSize == 0 || n * array.ValueSize <= fieldSize
                ? valueField
                : big ? (long)Math.Min(U64(data, valueField, little), long.MaxValue) : U32(data, valueField, little);
            array = array with { Position = position };

            // Scalars are the first value of the field, whatever its integer type (SHORT or LONG are both allowed).
            long scalar = array.ValueSize == 0 ? -1 : Value(data, array, 0, little);
            switch (tag)
            {
                case 256: width = scalar; break;
                case 257: height = scalar; break;
                case 258: bitsField = array; break;
                case 259: compression = scalar; break;
                case 262: photometric = scalar; break;
                case 266: fillOrder = scalar; break;
                case 273: offsets = array; break;
                case 274: orientation = scalar; break;
                case 277: samples = scalar; break;
                case 278: rowsPerStrip = scalar; break;
                case 279: byteCounts = array; break;
                case 284: planar = scalar; break;
                case 292: t4 = scalar; break;
                case 320: colorMap = array; break;
                case 322: tileWidth = scalar; break;
                case 323: tileLength = scalar; break;
                case 324: tileOffsets = array; break;
                case 325: tileByteCounts = array; break;
            }
        }

        int bits = bitsField.Count == 0 ? 1 : (int)Math.Clamp(Value(data, bitsField, 0, little), -1, int.MaxValue);
        for (int s = 1; s < Math.Min(bitsField.Count, samples); s++)
        {
            if (Value(data, bitsField, s, little) != bits)
            {
                throw ImageIntakeException.Invalid("The TIFF samples have different bit depths; only equal ones are read.");
            }
        }

        if (Array.IndexOf(KnownBitsPerSample, bits) < 0)
        {
            throw ImageIntakeException.Invalid($"The TIFF has {bits} bits per sample; only 1, 2, 4, 8, 12, 16 and 32 exist in readers.");
        }

        if (samples is < 1 or > 6)
        {
            throw ImageIntakeException.Invalid($"The TIFF has {samples} samples per pixel; 1 to 6 are read.");
        }

        if (fillOrder is not (1 or 2) || planar is not (1 or 2) || orientation is < 1 or > 8 && orientation != 0)
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF has FillOrder {fillOrder}, PlanarConfiguration {planar}, Orientation {orientation}; only 1-2, 1-2 and 1-8 exist.");
        }

        bool tiled = tileOffsets.Count > 0 || tileWidth > 0;
        if (tiled && (tileWidth is <= 0 or > 65536 || tileLength is <= 0 or > 65536 || tileOffsets.Count == 0))
        {
            throw ImageIntakeException.Invalid($"The TIFF tiles are {tileWidth}x{tileLength} with {tileOffsets.Count} offsets; tiles need both sides and offsets.");
        }

        if (!tiled && offsets.Count == 0)
        {
            throw ImageIntakeException.Invalid("The TIFF has no StripOffsets: there is no image data.");
        }

        if (photometric == -1)
        {
            // The tag is required, but Pillow 9.4 reads a file without it as WhiteIsZero.
            photometric = 0;
        }

        return new TiffHeader
        {
            Width = (int)Math.Clamp(width, -1, int.MaxValue),
            Height = (int)Math.Clamp(height, -1, int.MaxValue),
            Photometric = (int)Math.Clamp(photometric, -1, int.MaxValue),
            BitsPerSample = bits,
            Compression = (int)Math.Clamp(compression, -1, int.MaxValue),
            SamplesPerPixel = (int)samples,
            FillOrder = (int)fillOrder,
            Orientation = orientation == 0 ? 1 : (int)orientation,
            PlanarConfiguration = (int)planar,
            T4Options = t4,
            RowsPerStrip = tiled ? tileLength : rowsPerStrip,
            StripOffsets = tiled ? tileOffsets : offsets,
            StripByteCounts = tiled ? tileByteCounts : byteCounts,
            TileWidth = tiled ? (int)tileWidth : 0,
            TileLength = tiled ? (int)tileLength : 0,
            ColorMap = colorMap,
            LittleEndian = little,
            BigTiff = big,
            Page = page,
        };
    }

    /// <summary>How many strips (or tiles) the declared size needs.</summary>
    public long ChunksNeeded
    {
        get
        {
            if (IsTiled)
            {
                long across = ((long)Width + TileWidth - 1) / TileWidth;
                long down = ((long)Height + TileLength - 1) / TileLength;
                return across * down * (PlanarConfiguration == 2 ? SamplesPerPixel : 1);
            }

            long rows = Math.Clamp(RowsPerStrip, 1, Math.Max(1, Height));
            return ((Height + rows - 1) / rows) * (PlanarConfiguration == 2 ? SamplesPerPixel : 1);
        }
    }

    /// <summary>
    /// Refuses a file whose strips or tiles do not cover every row the header declares (too few of them, or an
    /// offset outside the payload), and, for uncompressed data, one whose strips are cut short by the end of the file.
    /// Byte counts that are wrong while the data is present are tolerated, as libtiff and Pillow do.
    /// </summary>
    public void CheckStripsInside(ReadOnlySpan<byte> data)
    {
        long needed = ChunksNeeded;
        if (StripOffsets.Count < needed)
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF declares {Width}x{Height} but has {StripOffsets.Count} {(IsTiled ? "tiles" : "strips")} of the {needed} that cover it: the data for the other rows is missing.");
        }

        if (StripByteCounts.Count != 0 && StripByteCounts.Count < needed)
        {
            throw ImageIntakeException.Invalid($"The TIFF has {StripByteCounts.Count} byte counts for {needed} strips.");
        }

        for (int i = 0; i < needed; i++)
        {
            long offset = ArrayValue(data, StripOffsets, i);
            if (offset < 0 || offset >= data.Length)
            {
                throw ImageIntakeException.Invalid($"The TIFF file is truncated: strip {i} starts at {offset}, past its end ({data.Length} bytes).");
            }

            if (Compression == 1 && offset + UncompressedChunkBytes(i) > data.Length)
            {
                throw ImageIntakeException.Invalid(
                    $"The TIFF file is truncated: uncompressed strip {i} needs {UncompressedChunkBytes(i)} bytes from {offset}; the file ends at {data.Length}.");
            }
        }
    }

    /// <summary>The bytes uncompressed strip or tile <paramref name="index"/> holds (rows are padded to whole bytes).</summary>
    public long UncompressedChunkBytes(int index)
    {
        int samplesPerChunk = PlanarConfiguration == 2 ? 1 : SamplesPerPixel;
        if (IsTiled)
        {
            return (((long)TileWidth * samplesPerChunk * BitsPerSample) + 7) / 8 * TileLength;
        }

        long rowsPerStrip = Math.Clamp(RowsPerStrip, 1, Height);
        long stripsPerPlane = (Height + rowsPerStrip - 1) / rowsPerStrip;
        long strip = index % stripsPerPlane;
        long rows = Math.Min(rowsPerStrip, Height - (strip * rowsPerStrip));
        return ((((long)Width * samplesPerChunk * BitsPerSample) + 7) / 8) * rows;
    }

    /// <summary>
    /// Rewrites the colour map entries of <paramref name="copy"/> (a copy of the file) to <c>(c &gt;&gt; 8) * 257</c>,
    /// so that ImageSharp's <c>c * 255 / 65535</c> gives Pillow's value, the high byte (it rounds <c>v * 256</c> down
    /// to <c>v - 1</c> for <c>v &gt;= 129</c>); false when there is no colour map of SHORTs inside the file.
    /// </summary>
    public bool WritePillowColorMap(Span<byte> copy)
    {
        if (ColorMap.Type != 3 || ColorMap.Count <= 2 || ColorMap.Position < 0 || ColorMap.Position + (ColorMap.Count * 2) > copy.Length)
        {
            return false;
        }

        for (long i = 0; i < ColorMap.Count; i++)
        {
            Span<byte> entry = copy.Slice((int)(ColorMap.Position + (i * 2)), 2);
            int c = LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(entry) : BinaryPrimitives.ReadUInt16BigEndian(entry);
            Write(entry, 2, (c >> 8) * 257);
        }

        return true;
    }

    /// <summary>
    /// Raises the byte counts of uncompressed strips in <paramref name="copy"/> that are smaller than their rows
    /// (the data being present, which <see cref="CheckStripsInside"/> has checked): Pillow reads such strips from
    /// their offsets whatever the count says, ImageSharp reads only the count. False when nothing was changed.
    /// </summary>
    public bool WriteUncompressedByteCounts(Span<byte> copy)
    {
        if (Compression != 1 || StripByteCounts.ValueSize is not (2 or 4) || StripByteCounts.Count < ChunksNeeded)
        {
            return false;
        }

        bool changed = false;
        for (int i = 0; i < ChunksNeeded; i++)
        {
            long needed = UncompressedChunkBytes(i);
            long at = StripByteCounts.Position + ((long)i * StripByteCounts.ValueSize);
            if (ArrayValue(copy, StripByteCounts, i) < needed && needed < (1L << (8 * StripByteCounts.ValueSize)))
            {
                Write(copy.Slice((int)at, StripByteCounts.ValueSize), StripByteCounts.ValueSize, needed);
                changed = true;
            }
        }

        return changed;
    }

    private void Write(Span<byte> at, int size, long value)
    {
        if (size == 2)
        {
            if (LittleEndian)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)value);
            }
        }
        else if (LittleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(at, (uint)value);
        }
    }

    /// <summary>Element <paramref name="index"/> of an array field such as <see cref="StripOffsets"/>.</summary>
    public long ArrayValue(ReadOnlySpan<byte> data, TiffArray field, int index)
    {
        if (index < 0 || index >= field.Count || field.ValueSize == 0)
        {
            throw ImageIntakeException.Invalid("The TIFF strip table is malformed (too few values, or not an integer type).");
        }

        return Value(data, field, index, LittleEndian);
    }

    private static long Value(ReadOnlySpan<byte> data, TiffArray field, long index, bool little)
    {
        int size = field.ValueSize;
        long at = field.Position + (index * size);
        if (size == 0 || index >= field.Count || at < 0 || at + size > data.Length)
        {
            throw ImageIntakeException.Invalid($"A TIFF field's values (type {field.Type}, {field.Count} values at {field.Position}) lie outside the payload.");
        }

        return (field.Type, size) switch
        {
            (_, 1) => data[(int)at],
            (8, 2) => little ? BinaryPrimitives.ReadInt16LittleEndian(data[(int)at..]) : BinaryPrimitives.ReadInt16BigEndian(data[(int)at..]),
            (_, 2) => U16(data, (int)at, little),
            (9, 4) => little ? BinaryPrimitives.ReadInt32LittleEndian(data[(int)at..]) : BinaryPrimitives.ReadInt32BigEndian(data[(int)at..]),
            (_, 4) => U32(data, (int)at, little),
            _ => (long)Math.Min(U64(data, (int)at, little), long.MaxValue),
        };
    }

    private static int U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static long U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static ulong U64(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt64BigEndian(d[at..]);

    private static string Pages(long count) => count == 1 ? "1 page" : $"{count} pages";
}
