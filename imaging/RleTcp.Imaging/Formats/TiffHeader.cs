using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The first IFD of a classic TIFF: size, photometric interpretation and bits per sample. Read here because
/// ImageSharp 2.1.13's TIFF identify throws on ordinary files, and because the photometric decides Pillow's mode.
/// </summary>
internal readonly struct TiffHeader
{
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>TIFF tag 262: 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette, ...</summary>
    public int Photometric { get; init; }

    public int BitsPerSample { get; init; }

    /// <summary>Tag 259: 1 is uncompressed.</summary>
    public int Compression { get; init; }

    public int SamplesPerPixel { get; init; }

    /// <summary>Tag 266: 1 is MSB first (the default), 2 is LSB first.</summary>
    public int FillOrder { get; init; }

    public long RowsPerStrip { get; init; }

    /// <summary>Tag 273 as stored: the field type, the value count and the value or its offset.</summary>
    public (int Type, long Count, long Value) StripOffsets { get; init; }

    /// <summary>Tag 279, as <see cref="StripOffsets"/>.</summary>
    public (int Type, long Count, long Value) StripByteCounts { get; init; }

    /// <summary>Tag 320 as stored (type, count, offset): the 16-bit colour map of a palette image.</summary>
    public (int Type, long Count, long Value) ColorMap { get; init; }

    public bool LittleEndian { get; init; }

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

    public static TiffHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            throw ImageIntakeException.Invalid("The TIFF file is shorter than its header.");
        }

        bool little = data[0] == 'I';
        if (U16(data, 2, little) != 42)
        {
            throw ImageIntakeException.Invalid("Only classic TIFF (not BigTIFF) is supported.");
        }

        long ifd = U32(data, 4, little);
        if (ifd < 8 || ifd + 2 > data.Length)
        {
            throw ImageIntakeException.Invalid($"The TIFF directory offset {ifd} lies outside the {data.Length}-byte payload.");
        }

        int count = U16(data, (int)ifd, little);
        if (ifd + 2 + (count * 12L) > data.Length)
        {
            throw ImageIntakeException.Invalid("The TIFF directory runs past the end of the file.");
        }

        long width = 0, height = 0, rowsPerStrip = uint.MaxValue;
        int photometric = -1, bits = 1, compression = 1, samples = 1, fillOrder = 1;
        (int, long, long) offsets = default, byteCounts = default, colorMap = default;
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + (i * 12);
            int tag = U16(data, entry, little);
            int type = U16(data, entry + 2, little);
            long count1 = U32(data, entry + 4, little);

            // A SHORT value sits in the first two bytes of the value field, a LONG fills it.
            long value = type == 3 ? U16(data, entry + 8, little) : U32(data, entry + 8, little);
            switch (tag)
            {
                case 256: width = value; break;
                case 257: height = value; break;
                case 262: photometric = (int)value; break;
                case 259: compression = (int)value; break;
                case 277: samples = (int)value; break;
                case 266: fillOrder = (int)value; break;
                case 278: rowsPerStrip = value; break;
                case 273: offsets = (type, count1, value); break;
                case 279: byteCounts = (type, count1, value); break;
                case 320: colorMap = (type, count1, value); break;
                case 258 when count1 == 1 || type == 3 && count1 <= 2: bits = (int)value; break;
                case 258 when type == 3 && count1 > 2 && value + 2 <= data.Length: bits = U16(data, (int)value, little); break;
            }
        }

        return new TiffHeader
        {
            Width = (int)Math.Min(width, int.MaxValue),
            Height = (int)Math.Min(height, int.MaxValue),
            Photometric = photometric,
            BitsPerSample = bits,
            Compression = compression,
            SamplesPerPixel = samples,
            FillOrder = fillOrder,
            RowsPerStrip = rowsPerStrip,
            StripOffsets = offsets,
            StripByteCounts = byteCounts,
            ColorMap = colorMap,
            LittleEndian = little,
        };
    }

    /// <summary>Refuses a file whose strips (as tags 273 and 279 give them) are not all inside the payload.</summary>
    public void CheckStripsInside(ReadOnlySpan<byte> data)
    {
        if (StripOffsets.Count != StripByteCounts.Count || StripOffsets.Count > data.Length)
        {
            throw ImageIntakeException.Invalid("The TIFF strip offsets and byte counts do not match.");
        }

        for (int i = 0; i < StripOffsets.Count; i++)
        {
            if (ArrayValue(data, StripOffsets, i) + ArrayValue(data, StripByteCounts, i) > data.Length)
            {
                throw ImageIntakeException.Invalid($"The TIFF file is truncated: strip {i} runs past its end.");
            }
        }
    }

    /// <summary>
    /// A copy of the file whose colour map entries are rewritten to <c>(c &gt;&gt; 8) * 257</c>, so that ImageSharp's
    /// <c>c * 255 / 65535</c> gives Pillow's value, the high byte (it rounds <c>v * 256</c> down to <c>v - 1</c> for
    /// <c>v &gt;= 129</c>); null when there is no colour map of SHORTs inside the file.
    /// </summary>
    public byte[]? WithPillowColorMap(ReadOnlySpan<byte> data)
    {
        if (ColorMap.Type != 3 || ColorMap.Count <= 2 || ColorMap.Value < 0 || ColorMap.Value + (ColorMap.Count * 2) > data.Length)
        {
            return null;
        }

        byte[] copy = data.ToArray();
        for (long i = 0; i < ColorMap.Count; i++)
        {
            Span<byte> entry = copy.AsSpan((int)(ColorMap.Value + (i * 2)), 2);
            int c = LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(entry) : BinaryPrimitives.ReadUInt16BigEndian(entry);
            ushort pillow = (ushort)((c >> 8) * 257);
            if (LittleEndian)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(entry, pillow);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(entry, pillow);
            }
        }

        return copy;
    }

    /// <summary>Element <paramref name="index"/> of an array field such as <see cref="StripOffsets"/>.</summary>
    public long ArrayValue(ReadOnlySpan<byte> data, (int Type, long Count, long Value) field, int index)
    {
        int size = field.Type == 3 ? 2 : 4;
        if (field.Count * size <= 4)
        {
            // Up to four bytes of values are stored in the entry itself; only the single-value case occurs here.
            return index == 0 ? field.Value : throw ImageIntakeException.Invalid("The TIFF strip table is malformed.");
        }

        long at = field.Value + ((long)index * size);
        if (at < 0 || at + size > data.Length)
        {
            throw ImageIntakeException.Invalid("The TIFF strip table lies outside the payload.");
        }

        return size == 2 ? U16(data, (int)at, LittleEndian) : U32(data, (int)at, LittleEndian);
    }

    private static int U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static long U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);
}
