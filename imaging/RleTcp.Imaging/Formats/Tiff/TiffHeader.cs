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

    /// <summary>Whether the end of the file cut this directory (the entries that fit are read).</summary>
    public bool DirectoryCut { get; init; }

    /// <summary>Whether a strip or tile table's values lie past the end of the file (Pillow skips it, libtiff fails).</summary>
    public bool ChunkTableCut { get; init; }

    /// <summary>Tag 317: 1 none, 2 horizontal differencing, 3 floating point.</summary>
    public int Predictor { get; init; }

    /// <summary>How many values the BitsPerSample tag holds (0 when it is absent).</summary>
    public int BitsCount { get; init; }

    /// <summary>Tag 339 as Pillow keys it: 1 unsigned, 2 signed, 3 float; -1 for a per-sample tuple it has no mode for.</summary>
    public int SampleFormat { get; init; }

    /// <summary>Tag 338 as Pillow keys it.</summary>
    public TiffExtraSamples ExtraSamples { get; init; }

    /// <summary>Tag 347 (JPEGTables): the abbreviated JPEG stream (SOI, tables, EOI) every JPEG strip shares; Count 0 when absent.</summary>
    public TiffArray JpegTables { get; init; }

    /// <summary>Tag 530 (YCbCrSubsampling): horizontal and vertical chroma subsampling; (2, 2), the default, when absent.</summary>
    public (int Horizontal, int Vertical) YCbCrSubsampling { get; init; }

    /// <summary>Tags 513 and 514 (old-style JPEG): where a whole JPEG stream starts, and its length; 0 when absent.</summary>
    public (long Offset, long Length) JpegInterchangeFormat { get; init; }

    /// <summary>Tag 529 (YCbCrCoefficients), when it has libtiff's 3 values; empty otherwise (libtiff's default).</summary>
    public TiffArray YCbCrCoefficients { get; init; }

    /// <summary>Tag 532 (ReferenceBlackWhite), when it has libtiff's 6 values; empty otherwise.</summary>
    public TiffArray ReferenceBlackWhite { get; init; }

    /// <summary>The route <see cref="TiffIntake.ReadHeader"/> found for this page (null: not checked yet).</summary>
    public TiffRoute? CheckedRoute { get; init; }

    public bool IsTiled => TileWidth > 0;

    public PillowMode PillowMode => Photometric switch
    {
        0 or 1 when BitsPerSample == 1 => Imaging.PillowMode.Bilevel,
        0 or 1 => Imaging.PillowMode.Grey,
        3 => Imaging.PillowMode.Palette,
        _ => Imaging.PillowMode.Colour,
    };

    /// <summary>Reads directory <paramref name="page"/> (0 = the first) and checks its fields.</summary>
    public static TiffHeader Read(ReadOnlySpan<byte> data, int page = 0) => TiffDirectory.Read(data, page);

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
        if (TiffYCbCr.Reads(this) && SamplesPerPixel == 3)
        {
            return TiffYCbCr.ChunkBytes(this, index);
        }

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

    /// <summary>Element <paramref name="index"/> of an array field such as <see cref="StripOffsets"/>.</summary>
    public long ArrayValue(ReadOnlySpan<byte> data, TiffArray field, int index)
    {
        if (index < 0 || index >= field.Count || field.ValueSize == 0)
        {
            throw ImageIntakeException.Invalid("The TIFF strip table is malformed (too few values, or not an integer type).");
        }

        return TiffDirectory.Value(data, field, index, LittleEndian);
    }
}

/// <summary>
/// The ExtraSamples tag as Pillow 9.4's OPEN_INFO key sees it: how many values, the first (0 unspecified,
/// 1 premultiplied alpha, 2 unassociated alpha), and whether every value after the first is 0.
/// </summary>
internal readonly record struct TiffExtraSamples(int Count, int First, bool RestZero);
