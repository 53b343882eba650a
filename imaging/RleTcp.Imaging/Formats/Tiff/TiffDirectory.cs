using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Walks a classic or Big TIFF's directory chain to page K and reads that directory's fields into a
/// <see cref="TiffHeader"/>, each by its type and from where its values lie, checking them against the values the
/// format (and Pillow 9.4) allows before anything is allocated.
/// </summary>
internal static class TiffDirectory
{
    // Pillow 9.4 has no OPEN_INFO mode for any other sample size, so it refuses them ("unknown pixel mode").
    private static readonly int[] KnownBitsPerSample = [1, 2, 4, 8, 12, 16, 32];

    // Directories are walked to reach page K; a chain longer than this is treated as hostile, not walked further.
    private const int MaxPages = 10_000;

    /// <summary>Reads directory <paramref name="page"/> (0 = the first) and checks its fields.</summary>
    public static TiffHeader Read(ReadOnlySpan<byte> data, int page = 0)
    {
        (bool little, bool big) = ReadFileHeader(data);
        if (!Walk(data, little, big, page, out long ifd, out long entries, out long count, out bool cut, out string? missing))
        {
            throw ImageIntakeException.Invalid(missing!);
        }

        return ReadDirectory(data, (int)entries, (int)count, little, big, page) with { DirectoryOffset = ifd, DirectoryCut = cut };
    }

    /// <summary>
    /// The directories in the chain, counted by the walk <see cref="Read"/> takes to a page (so INFO's count is the
    /// pages COMPRESS can be asked for): a directory cut by the end of the file is a page and the last one; the chain
    /// also ends at a next offset of 0 or outside the file, or at the first directory seen before.
    /// </summary>
    public static int CountPages(ReadOnlySpan<byte> data)
    {
        (bool little, bool big) = ReadFileHeader(data);
        Walk(data, little, big, MaxPages, out _, out long pages, out _, out _, out _);
        return (int)pages;
    }

    private static (bool Little, bool Big) ReadFileHeader(ReadOnlySpan<byte> data)
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

        return (little, big);
    }

    // Walks the chain to directory `page`. True with its offset, entries' start, entry count and whether the file cuts
    // it; false with why it does not exist, and (in `entries`) how many directories the chain has.
    private static bool Walk(
        ReadOnlySpan<byte> data, bool little, bool big, int page, out long ifd, out long entries, out long count, out bool cut, out string? missing)
    {
        ifd = big ? (long)Math.Min(U64(data, 8, little), long.MaxValue) : U32(data, 4, little);
        var seen = new HashSet<long>();
        for (int k = 0; ; k++)
        {
            int headerSize = big ? 16 : 8;
            if (ifd < headerSize || ifd > data.Length - (big ? 8 : 2))
            {
                if (k == 0)
                {
                    throw ImageIntakeException.Invalid($"The TIFF directory offset {ifd} lies outside the {data.Length}-byte payload.");
                }

                (entries, count, cut) = (k, 0, false);
                missing = $"The TIFF image has {Pages(k)}; page {page} does not exist (the next directory offset {ifd} lies outside the payload).";
                return false;
            }

            count = big ? (long)Math.Min(U64(data, (int)ifd, little), int.MaxValue) : U16(data, (int)ifd, little);
            int entrySize = big ? 20 : 12;
            entries = ifd + (big ? 8 : 2);
            // Pillow 9.4 keeps the entries of a directory cut by the end of the file (it warns "Truncated File
            // Read"); such a directory has no next one.
            cut = count > (data.Length - entries) / entrySize;
            count = Math.Min(count, (data.Length - entries) / entrySize);

            if (k == page)
            {
                missing = null;
                return true;
            }

            // Pillow 9.4 stops at the first directory it has already seen, so a chain that loops back has no
            // more pages; the pages before the repeat are read normally.
            seen.Add(ifd);
            long nextAt = entries + (count * entrySize);
            long next = cut || nextAt + (big ? 8 : 4) > data.Length ? 0 : big ? (long)Math.Min(U64(data, (int)nextAt, little), long.MaxValue) : U32(data, (int)nextAt, little);
            if (next == 0 || seen.Contains(next) || k + 1 >= MaxPages)
            {
                (entries, count, cut) = (k + 1, 0, false);
                missing = $"The TIFF image has {Pages(k + 1)}; page {page} does not exist.";
                return false;
            }

            ifd = next;
        }
    }

    private static TiffHeader ReadDirectory(ReadOnlySpan<byte> data, int entries, int count, bool little, bool big, int page)
    {
        long width = 0, height = 0, rowsPerStrip = uint.MaxValue, t4 = 0;
        long photometric = -1, compression = 1, samples = 1, fillOrder = 1, orientation = 1, planar = 1;
        long tileWidth = 0, tileLength = 0, predictor = 1, jif = 0, jifLength = 0;
        TiffArray extraSamples = default, sampleFormat = default;
        TiffArray offsets = default, byteCounts = default, tileOffsets = default, tileByteCounts = default;
        TiffArray colorMap = default, bitsField = default, jpegTables = default, subsampling = default, luma = default, refBw = default;
        int entrySize = big ? 20 : 12;
        bool tableCut = false;
        for (int i = 0; i < count; i++)
        {
            int entry = entries + (i * entrySize);
            int tag = U16(data, entry, little);
            int type = U16(data, entry + 2, little);
            if (tag == 347 && type == 7)
            {
                // JPEGTables is UNDEFINED: bytes, read (and bounds-checked) as BYTE values.
                type = 1;
            }

            long n = big ? (long)Math.Min(U64(data, entry + 4, little), int.MaxValue) : U32(data, entry + 4, little);
            int valueField = entry + (big ? 12 : 8);
            int fieldSize = big ? 8 : 4;
            var array = new TiffArray(type, n, 0);
            long position = array.ValueSize == 0 || n * array.ValueSize <= fieldSize
                ? valueField
                : big ? (long)Math.Min(U64(data, valueField, little), long.MaxValue) : U32(data, valueField, little);
            array = array with { Position = position };
            if (tag is 529 or 532)
            {
                // YCbCrCoefficients, ReferenceBlackWhite: kept only as libtiff takes them (its count, inside the file).
                int size = TiffYCbCr.FloatValueSize(type);
                long at = size == 0 || n * size <= fieldSize ? valueField : big ? (long)Math.Min(U64(data, valueField, little), long.MaxValue) : U32(data, valueField, little);
                if (size != 0 && n == (tag == 529 ? 3 : 6) && at >= 0 && at + (n * size) <= data.Length)
                {
                    (luma, refBw) = tag == 529 ? (new TiffArray(type, n, at), refBw) : (luma, new TiffArray(type, n, at));
                }

                continue;
            }

            if (array.ValueSize != 0 && (position < 0 || position + (n * array.ValueSize) > data.Length))
            {
                // Pillow skips a tag whose values lie past the end of the file ("Possibly corrupt EXIF data");
                // libtiff fails on such a strip table.
                tableCut |= tag is 273 or 279 or 324 or 325;
                continue;
            }

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
                case 317: predictor = scalar; break;
                case 320: colorMap = array; break;
                case 322: tileWidth = scalar; break;
                case 323: tileLength = scalar; break;
                case 324: tileOffsets = array; break;
                case 325: tileByteCounts = array; break;
                case 338: extraSamples = array; break;
                case 339: sampleFormat = array; break;
                case 347: jpegTables = array; break;
                case 513: jif = scalar; break;
                case 514: jifLength = scalar; break;
                case 530: subsampling = array; break;
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
            Predictor = (int)Math.Clamp(predictor, -1, int.MaxValue),
            BitsCount = (int)Math.Min(bitsField.Count, int.MaxValue),
            SampleFormat = SampleFormatOf(data, sampleFormat, little),
            ExtraSamples = ExtraSamplesOf(data, extraSamples, little),
            JpegTables = jpegTables.ValueSize == 1 ? jpegTables : default,
            ChunkTableCut = tableCut,
            JpegInterchangeFormat = (jif, jifLength),
            YCbCrCoefficients = luma,
            ReferenceBlackWhite = refBw,

            // libtiff ignores a YCbCrSubsampling of another count than 2 (and uses its default).
            YCbCrSubsampling = subsampling.Count == 2 && subsampling.ValueSize is 1 or 2 or 4
                ? ((int)Math.Min(Value(data, subsampling, 0, little), 255), (int)Math.Min(Value(data, subsampling, 1, little), 255))
                : (2, 2),
        };
    }


    // Pillow 9.4 takes SampleFormat (1,1,...) as (1,); any other tuple of more than one value is no mode it has (-1).
    private static int SampleFormatOf(ReadOnlySpan<byte> data, TiffArray field, bool little)
    {
        if (field.Count == 0)
        {
            return 1;
        }

        long first = Value(data, field, 0, little);
        if (field.Count == 1)
        {
            return (int)Math.Clamp(first, -1, int.MaxValue);
        }

        for (int i = 0; i < Math.Min(field.Count, 8); i++)
        {
            if (Value(data, field, i, little) != 1)
            {
                return -1;
            }
        }

        return field.Count > 8 ? -1 : 1;
    }

    // ExtraSamples as Pillow's key sees it: how many, the first, and whether the others are all 0 (unspecified).
    private static TiffExtraSamples ExtraSamplesOf(ReadOnlySpan<byte> data, TiffArray field, bool little)
    {
        if (field.Count == 0)
        {
            return default;
        }

        if (field.Count > 6)
        {
            return new TiffExtraSamples((int)Math.Min(field.Count, int.MaxValue), -1, false);
        }

        bool restZero = true;
        for (int i = 1; i < field.Count; i++)
        {
            restZero &= Value(data, field, i, little) == 0;
        }

        return new TiffExtraSamples((int)field.Count, (int)Math.Clamp(Value(data, field, 0, little), -1, int.MaxValue), restZero);
    }

    internal static long Value(ReadOnlySpan<byte> data, TiffArray field, long index, bool little)
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
