using System.Buffers;
using System.Buffers.Binary;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs.G4;

namespace RleTcp.Protocol.Codecs.TiffG4;

/// <summary>
/// <c>tiff-g4</c>: a baseline little-endian TIFF holding the image as one CCITT Group 4 strip (Compression 4,
/// PhotometricInterpretation 0 WhiteIsZero, FillOrder 1), with resolution tags when a DPI is given. The decoder
/// reads the first image of any Group 4 TIFF: either byte order, several strips, either photometric or fill order.
/// </summary>
public sealed class TiffG4Codec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "tiff-g4";

    private const ushort TypeShort = 3;
    private const ushort TypeLong = 4;
    private const ushort TypeRational = 5;

    private TiffG4Codec()
    {
    }

    /// <summary>The one instance.</summary>
    public static TiffG4Codec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "image/tiff";

    /// <inheritdoc/>
    public string FileExtension => ".tif";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options?.Validate();
        using var strip = new ArrayPoolBufferWriter<byte>(Math.Max(256, (int)Math.Min(image.PixelCount / 64, 1 << 22)));
        G4Encoder.Encode(image, strip);

        double? dpi = options?.Dpi;
        int entries = dpi is null ? 11 : 14;
        int ifdSize = 2 + (entries * 12) + 4;
        int extra = dpi is null ? 0 : 16;
        int stripOffset = 8 + ifdSize + extra;
        Span<byte> head = output.GetSpan(stripOffset)[..stripOffset];
        head.Clear();
        "II*\0"u8.CopyTo(head);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(head[8..], (ushort)entries);
        int entry = 10;
        void Tag(Span<byte> h, ushort tag, ushort type, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[entry..], tag);
            BinaryPrimitives.WriteUInt16LittleEndian(h[(entry + 2)..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(h[(entry + 4)..], 1);
            if (type == TypeShort)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(h[(entry + 8)..], (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h[(entry + 8)..], value);
            }

            entry += 12;
        }

        // Tags in ascending order, as TIFF 6.0 requires.
        Tag(head, 256, TypeLong, (uint)image.Width);
        Tag(head, 257, TypeLong, (uint)image.Height);
        Tag(head, 258, TypeShort, 1); // BitsPerSample
        Tag(head, 259, TypeShort, 4); // Compression: CCITT T.6
        Tag(head, 262, TypeShort, 0); // PhotometricInterpretation: WhiteIsZero, the fax convention the code assumes
        Tag(head, 266, TypeShort, 1); // FillOrder: MSB first
        Tag(head, 273, TypeLong, (uint)stripOffset);
        Tag(head, 277, TypeShort, 1); // SamplesPerPixel
        Tag(head, 278, TypeLong, (uint)image.Height); // RowsPerStrip: one strip
        Tag(head, 279, TypeLong, (uint)strip.WrittenCount);
        if (dpi is double resolution)
        {
            int rationals = 8 + ifdSize;
            Tag(head, 282, TypeRational, (uint)rationals);
            Tag(head, 283, TypeRational, (uint)rationals + 8);
            Tag(head, 293, TypeLong, 0); // T6Options: no uncompressed mode
            Tag(head, 296, TypeShort, 2); // ResolutionUnit: inch
            (uint numerator, uint denominator) = ToRational(resolution);
            for (int i = 0; i < 2; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(head[(rationals + (8 * i))..], numerator);
                BinaryPrimitives.WriteUInt32LittleEndian(head[(rationals + (8 * i) + 4)..], denominator);
            }
        }
        else
        {
            Tag(head, 293, TypeLong, 0);
        }

        // The next-IFD offset (0) is already clear.
        output.Advance(stripOffset);
        output.Write(strip.WrittenSpan);
    }

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        var tiff = new TiffReader(data);
        uint width = tiff.Required(256);
        uint height = tiff.Required(257);
        BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, tiff.TagOffset(256));
        uint compression = tiff.Required(259);
        if (compression != 4)
        {
            throw tiff.Error(BilevelFormatError.Unsupported, tiff.TagOffset(259), $"compression {compression}; this reads Group 4 (4) only");
        }

        Expect(tiff, 258, 1, "BitsPerSample");
        Expect(tiff, 277, 1, "SamplesPerPixel");
        if (tiff.Has(322))
        {
            throw tiff.Error(BilevelFormatError.Unsupported, tiff.TagOffset(322), "a tiled image");
        }

        uint photometric = tiff.Required(262);
        if (photometric > 1)
        {
            throw tiff.Error(BilevelFormatError.Unsupported, tiff.TagOffset(262), $"PhotometricInterpretation {photometric} for a bilevel image");
        }

        uint fillOrder = tiff.Optional(266, 1);
        if (fillOrder is not 1 and not 2)
        {
            throw tiff.Error(BilevelFormatError.Malformed, tiff.TagOffset(266), $"FillOrder {fillOrder}");
        }

        if ((tiff.Optional(293, 0) & 2) != 0)
        {
            throw tiff.Error(BilevelFormatError.Unsupported, tiff.TagOffset(293), "T6Options allow uncompressed mode");
        }

        uint rowsPerStrip = Math.Min(tiff.Optional(278, height), height);
        if (rowsPerStrip == 0)
        {
            throw tiff.Error(BilevelFormatError.Malformed, tiff.TagOffset(278), "RowsPerStrip 0");
        }

        int strips = (int)((height + rowsPerStrip - 1) / rowsPerStrip);
        if (tiff.Count(273) != strips || tiff.Count(279) != strips)
        {
            throw tiff.Error(BilevelFormatError.Malformed, tiff.TagOffset(273), $"{tiff.Count(273)} strip offsets and {tiff.Count(279)} byte counts for {strips} strips");
        }

        var image = BitImage.CreatePooled((int)width, (int)height);
        byte[]? reversed = null;
        try
        {
            for (int s = 0; s < strips; s++)
            {
                uint offset = tiff.Value(273, s);
                uint length = tiff.Value(279, s);
                if (offset > data.Length || length > data.Length - offset)
                {
                    throw tiff.Error(BilevelFormatError.Truncated, tiff.TagOffset(273), $"strip {s} ({length} bytes at {offset}) lies past the end of the {data.Length}-byte file");
                }

                ReadOnlySpan<byte> strip = data.Slice((int)offset, (int)length);
                if (fillOrder == 2)
                {
                    reversed ??= ArrayPool<byte>.Shared.Rent(data.Length);
                    BitReversal.Reverse(strip, reversed);
                    strip = reversed.AsSpan(0, strip.Length);
                }

                int firstRow = s * (int)rowsPerStrip;
                int rows = Math.Min((int)rowsPerStrip, (int)height - firstRow);
                G4Decoder.DecodeInto(strip, offset, image, firstRow, rows, whiteIsZero: photometric == 0, requireEofb: false, CodecName);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            if (reversed is not null)
            {
                ArrayPool<byte>.Shared.Return(reversed);
            }
        }
    }

    /// <inheritdoc/>
    public bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8);

    private static void Expect(TiffReader tiff, ushort tag, uint expected, string name)
    {
        uint value = tiff.Optional(tag, 1);
        if (value != expected)
        {
            throw tiff.Error(BilevelFormatError.Unsupported, tiff.TagOffset(tag), $"{name} {value}; a bilevel image has {expected}");
        }
    }

    // A DPI as a TIFF rational: whole numbers exactly, others to 1/1000.
    private static (uint Numerator, uint Denominator) ToRational(double dpi) =>
        dpi == Math.Floor(dpi) ? ((uint)dpi, 1u) : ((uint)Math.Round(dpi * 1000), 1000u);

    // The first IFD of a TIFF, read strictly: every entry and every value must lie inside the file.
    private readonly ref struct TiffReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly bool _bigEndian;
        private readonly int _ifd;
        private readonly int _entries;

        public TiffReader(ReadOnlySpan<byte> data)
        {
            _data = data;
            if (data.Length < 8)
            {
                throw Fail(BilevelFormatError.Truncated, data.Length, "fewer than the 8 header bytes");
            }

            if (data.StartsWith("II*\0"u8))
            {
                _bigEndian = false;
            }
            else if (data.StartsWith("MM\0*"u8))
            {
                _bigEndian = true;
            }
            else
            {
                throw Fail(BilevelFormatError.Malformed, 0, "not a TIFF (no II*/MM* header)");
            }

            uint ifd = U32(4);
            if (ifd < 8 || ifd > data.Length - 2)
            {
                throw Fail(BilevelFormatError.Malformed, 4, $"the first IFD offset {ifd} is outside the file");
            }

            _ifd = (int)ifd;
            _entries = U16(_ifd);
            if (_entries == 0 || (long)_ifd + 2 + (_entries * 12L) > data.Length)
            {
                throw Fail(BilevelFormatError.Truncated, _ifd, $"an IFD of {_entries} entries does not fit in the file");
            }
        }

        public bool Has(ushort tag) => Find(tag) >= 0;

        public long TagOffset(ushort tag) => Find(tag) is int e and >= 0 ? e : _ifd;

        public uint Required(ushort tag) => Has(tag)
            ? Value(tag, 0)
            : throw Fail(BilevelFormatError.Malformed, _ifd, $"the required tag {tag} is missing");

        public uint Optional(ushort tag, uint fallback) => Has(tag) ? Value(tag, 0) : fallback;

        public int Count(ushort tag)
        {
            int e = Find(tag);
            return e < 0 ? 0 : (int)Math.Min(U32(e + 4), int.MaxValue);
        }

        // Element `index` of a SHORT or LONG tag.
        public uint Value(ushort tag, int index)
        {
            int e = Find(tag);
            ushort type = U16(e + 2);
            uint count = U32(e + 4);
            int size = type switch
            {
                TypeShort => 2,
                TypeLong => 4,
                _ => throw Fail(BilevelFormatError.Malformed, e, $"tag {tag} has type {type}, not SHORT or LONG"),
            };

            if ((uint)index >= count)
            {
                throw Fail(BilevelFormatError.Malformed, e, $"tag {tag} has {count} values, not {index + 1}");
            }

            long total = (long)count * size;
            long at = total <= 4 ? e + 8 : U32(e + 8);
            at += (long)index * size;
            if (at + size > _data.Length)
            {
                throw Fail(BilevelFormatError.Truncated, e, $"the values of tag {tag} lie past the end of the file");
            }

            return size == 2 ? U16((int)at) : U32((int)at);
        }

        public BilevelFormatException Error(BilevelFormatError error, long offset, string detail) => Fail(error, offset, detail);

        private static BilevelFormatException Fail(BilevelFormatError error, long offset, string detail) =>
            new(CodecName, error, offset, detail);

        private int Find(ushort tag)
        {
            for (int i = 0; i < _entries; i++)
            {
                int e = _ifd + 2 + (i * 12);
                if (U16(e) == tag)
                {
                    return e;
                }
            }

            return -1;
        }

        private ushort U16(int at) => _bigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(_data[at..])
            : BinaryPrimitives.ReadUInt16LittleEndian(_data[at..]);

        private uint U32(int at) => _bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(_data[at..])
            : BinaryPrimitives.ReadUInt32LittleEndian(_data[at..]);
    }
}
