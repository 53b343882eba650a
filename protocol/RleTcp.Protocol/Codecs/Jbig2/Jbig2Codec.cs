using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.Jbig2;

/// <summary>
/// <c>jbig2</c>: a standalone JBIG2 file (T.88 Annex D, sequential organisation, one page) holding the image as one
/// immediate lossless generic region (<see cref="Jbig2Generic"/>): file header, page information, the region, end
/// of page, end of file. <see cref="EncodeEmbedded"/> writes the form a PDF JBIG2Decode filter takes (the page
/// information and region segments only). The decoder reads exactly these segment kinds, strictly.
/// </summary>
public sealed class Jbig2Codec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "jbig2";

    private const byte PageInformation = 48;
    private const byte ImmediateGenericRegion = 38;
    private const byte ImmediateLosslessGenericRegion = 39;
    private const byte EndOfPage = 49;
    private const byte EndOfFile = 51;
    private const int RegionHeaderSize = 17 + 1 + 8; // region information, generic region flags, AT pixels

    private static ReadOnlySpan<byte> FileSignature => [0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A];

    private Jbig2Codec()
    {
    }

    /// <summary>The one instance.</summary>
    public static Jbig2Codec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "image/x-jbig2";

    /// <inheritdoc/>
    public string FileExtension => ".jb2";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options?.Validate();
        Span<byte> header = output.GetSpan(13);
        FileSignature.CopyTo(header);
        header[8] = 0x01; // sequential organisation, the number of pages is known
        BinaryPrimitives.WriteUInt32BigEndian(header[9..], 1);
        output.Advance(13);
        WriteSegments(image, output, options?.Dpi, standalone: true);
    }

    /// <summary>
    /// The JBIG2 stream a PDF <c>/JBIG2Decode</c> filter takes (no file header, no end-of-page or end-of-file
    /// segments, as PDF 1.4+ 7.4.7 asks). In the PDF's DeviceGray the filter's output reads 1 as white, as ours.
    /// </summary>
    public static void EncodeEmbedded(BitImage image, IBufferWriter<byte> output, double? dpi = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        WriteSegments(image, output, dpi, standalone: false);
    }

    /// <inheritdoc/>
    public bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith(FileSignature);

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (!HasMagic(data))
        {
            throw Fail(data.Length < 8 ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, 0, "not a JBIG2 file (no signature)");
        }

        if (data.Length < 9)
        {
            throw Fail(BilevelFormatError.Truncated, data.Length, "the file header ends early");
        }

        byte flags = data[8];
        if ((flags & 0x01) == 0)
        {
            throw Fail(BilevelFormatError.Unsupported, 8, "random-access organisation");
        }

        if ((flags & 0xFC) != 0)
        {
            throw Fail(BilevelFormatError.Unsupported, 8, $"file header flags 0x{flags:X2}");
        }

        int offset = 9;
        if ((flags & 0x02) == 0)
        {
            if (data.Length < 13)
            {
                throw Fail(BilevelFormatError.Truncated, data.Length, "the file header ends early");
            }

            uint pages = BinaryPrimitives.ReadUInt32BigEndian(data[9..]);
            if (pages != 1)
            {
                throw Fail(BilevelFormatError.Unsupported, 9, $"{pages} pages; this reads one-page files");
            }

            offset = 13;
        }

        return DecodeSegments(data, offset, maxPixels, standalone: true);
    }

    /// <summary>Decodes the embedded form <see cref="EncodeEmbedded"/> writes (from a PDF's JBIG2Decode stream).</summary>
    /// <exception cref="BilevelFormatException">The stream is malformed, unsupported or over budget.</exception>
    public static BitImage DecodeEmbedded(ReadOnlySpan<byte> data, long maxPixels) => DecodeSegments(data, 0, maxPixels, standalone: false);

    private static void WriteSegments(BitImage image, IBufferWriter<byte> output, double? dpi, bool standalone)
    {
        using MqEncoder coded = Jbig2Generic.Encode(image);
        uint perMetre = dpi is double d ? (uint)Math.Round(d / 0.0254) : 0;

        Span<byte> page = stackalloc byte[19];
        BinaryPrimitives.WriteUInt32BigEndian(page, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(page[4..], (uint)image.Height);
        BinaryPrimitives.WriteUInt32BigEndian(page[8..], perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(page[12..], perMetre);
        page[16] = 0x01; // eventually lossless; default pixel 0 (white); combination operator OR
        WriteSegment(output, 0, PageInformation, page, 1);

        Span<byte> region = stackalloc byte[RegionHeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(region, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(region[4..], (uint)image.Height);
        region[16] = 0; // x, y 0; combination operator OR
        region[17] = 0x08; // arithmetic coding, template 0, TPGDON on
        Jbig2Generic.DefaultAtPixels.CopyTo(region[18..]);
        WriteSegmentHeader(output, 1, ImmediateLosslessGenericRegion, RegionHeaderSize + coded.Written.Length, 1);
        output.Write(region);
        output.Write(coded.Written);

        if (standalone)
        {
            WriteSegment(output, 2, EndOfPage, [], 1);
            WriteSegment(output, 3, EndOfFile, [], 0);
        }
    }

    private static void WriteSegment(IBufferWriter<byte> output, uint number, byte type, ReadOnlySpan<byte> body, byte page)
    {
        WriteSegmentHeader(output, number, type, body.Length, page);
        output.Write(body);
    }

    // Segment header (7.2): number, flags (type; 1-byte page association), no referred-to segments, page, length.
    private static void WriteSegmentHeader(IBufferWriter<byte> output, uint number, byte type, int length, byte page)
    {
        Span<byte> header = output.GetSpan(11);
        BinaryPrimitives.WriteUInt32BigEndian(header, number);
        header[4] = type;
        header[5] = 0;
        header[6] = page;
        BinaryPrimitives.WriteUInt32BigEndian(header[7..], (uint)length);
        output.Advance(11);
    }

    private static BitImage DecodeSegments(ReadOnlySpan<byte> data, int offset, long maxPixels, bool standalone)
    {
        BitImage? image = null;
        bool region = false;
        bool defaultWhite = true;
        try
        {
            while (offset < data.Length)
            {
                int start = offset;
                if (data.Length - offset < 11)
                {
                    throw Fail(BilevelFormatError.Truncated, offset, "the data ends inside a segment header");
                }

                byte flags = data[offset + 4];
                byte type = (byte)(flags & 0x3F);
                byte referred = data[offset + 5];
                if ((referred >> 5) != 0)
                {
                    throw Fail(BilevelFormatError.Unsupported, offset + 5, $"segment type {type} refers to other segments");
                }

                int pageSize = (flags & 0x40) != 0 ? 4 : 1;
                int headerSize = 6 + pageSize + 4;
                if (data.Length - offset < headerSize)
                {
                    throw Fail(BilevelFormatError.Truncated, offset, "the data ends inside a segment header");
                }

                uint page = pageSize == 4 ? BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 6)..]) : data[offset + 6];
                uint length = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 6 + pageSize)..]);
                offset += headerSize;
                if (length == uint.MaxValue)
                {
                    throw Fail(BilevelFormatError.Unsupported, start, "a segment of unknown length");
                }

                if (length > data.Length - offset)
                {
                    throw Fail(BilevelFormatError.Truncated, start, $"segment type {type} declares {length} bytes; {data.Length - offset} remain");
                }

                ReadOnlySpan<byte> body = data.Slice(offset, (int)length);
                offset += (int)length;
                switch (type)
                {
                    case PageInformation:
                        if (image is not null || page != 1 || body.Length != 19)
                        {
                            throw Fail(BilevelFormatError.Malformed, start, image is not null ? "a second page" : "a malformed page information segment");
                        }

                        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
                        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                        if (height == uint.MaxValue)
                        {
                            throw Fail(BilevelFormatError.Unsupported, start + headerSize + 4, "a striped page of unknown height");
                        }

                        BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, start + headerSize);
                        image = BitImage.CreatePooled((int)width, (int)height);
                        defaultWhite = (body[16] & 0x04) == 0; // the page's default pixel: 0 is white
                        image.Fill(defaultWhite);
                        break;

                    case ImmediateGenericRegion or ImmediateLosslessGenericRegion:
                        if (image is null || region || page != 1)
                        {
                            throw Fail(image is null ? BilevelFormatError.Malformed : BilevelFormatError.Unsupported, start, image is null ? "a region before the page information" : "more than one region");
                        }

                        DecodeRegion(body, image, defaultWhite, start + headerSize);
                        region = true;
                        break;

                    case EndOfPage:
                        if (!standalone || image is null || length != 0)
                        {
                            throw Fail(BilevelFormatError.Malformed, start, "an unexpected end of page");
                        }

                        break;

                    case EndOfFile:
                        if (!standalone || offset != data.Length || length != 0)
                        {
                            throw Fail(BilevelFormatError.Malformed, start, "data after the end-of-file segment");
                        }

                        break;

                    default:
                        throw Fail(BilevelFormatError.Unsupported, start, $"segment type {type}; this reads one lossless generic region");
                }
            }

            if (image is null || !region)
            {
                throw Fail(BilevelFormatError.Truncated, data.Length, image is null ? "no page information" : "no generic region");
            }

            return image;
        }
        catch
        {
            image?.Dispose();
            throw;
        }
    }

    // A generic region covering the whole page at (0, 0): ours, and what a one-image encoder writes.
    private static void DecodeRegion(ReadOnlySpan<byte> body, BitImage page, bool pageWhite, long offset)
    {
        if (body.Length < RegionHeaderSize)
        {
            throw Fail(BilevelFormatError.Truncated, offset, "the region header ends early");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        uint x = BinaryPrimitives.ReadUInt32BigEndian(body[8..]);
        uint y = BinaryPrimitives.ReadUInt32BigEndian(body[12..]);
        if (width != page.Width || height != page.Height || x != 0 || y != 0)
        {
            throw Fail(BilevelFormatError.Unsupported, offset, $"a {width}x{height} region at ({x}, {y}) on a {page.Width}x{page.Height} page; this reads whole-page regions");
        }

        byte flags = body[17];
        if ((flags & 0x01) != 0 || ((flags >> 1) & 3) != 0 || (flags & 0xF0) != 0)
        {
            throw Fail(BilevelFormatError.Unsupported, offset + 17, $"generic region flags 0x{flags:X2}; this reads arithmetic template 0");
        }

        if (!body.Slice(18, 8).SequenceEqual(Jbig2Generic.DefaultAtPixels))
        {
            throw Fail(BilevelFormatError.Unsupported, offset + 18, "adaptive pixels other than template 0's defaults");
        }

        if ((flags & 0x08) == 0)
        {
            throw Fail(BilevelFormatError.Unsupported, offset + 17, "typical prediction off");
        }

        // The region replaces the page (one region at the origin, OR onto a page of the default pixel): decode into
        // a white image and combine.
        using var decoded = BitImage.CreatePooled(page.Width, page.Height);
        Jbig2Generic.Decode(body[RegionHeaderSize..], decoded);
        for (int row = 0; row < page.Height; row++)
        {
            Span<ulong> target = page.Row(row);
            ReadOnlySpan<ulong> source = decoded.Row(row);
            for (int i = 0; i < target.Length; i++)
            {
                // OR in JBIG2 polarity (1 = black) is AND in ours (1 = white).
                target[i] = pageWhite ? source[i] : target[i] & source[i];
            }
        }
    }

    private static BilevelFormatException Fail(BilevelFormatError error, long offset, string detail) =>
        new(CodecName, error, offset, detail);
}
