using System.Buffers;
using System.Globalization;
using System.Text;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.Jbig2;

namespace RleTcp.Protocol.Codecs.Pdf;

/// <summary>
/// <c>pdf</c>: a one-page PDF whose page is the image, stored as <c>/JBIG2Decode</c> (default) or
/// <c>/CCITTFaxDecode</c> Group 4 (<see cref="BilevelEncodeOptions.PdfImageCodec"/>); the page measures the image at
/// its DPI (the option, or 300). The decoder reads one-page PDFs whose page has one 1-bit DeviceGray image in either
/// filter: a classic cross-reference table, no object streams, no encryption, no incremental updates.
/// </summary>
public sealed class PdfCodec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "pdf";

    private PdfCodec()
    {
    }

    /// <summary>The one instance.</summary>
    public static PdfCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "application/pdf";

    /// <inheritdoc/>
    public string FileExtension => ".pdf";

    /// <inheritdoc/>
    public bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith("%PDF-"u8);

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options ??= BilevelEncodeOptions.Default;
        options.Validate();
        double dpi = options.Dpi ?? BilevelEncodeOptions.DefaultPdfDpi;
        using var stream = new ArrayPoolBufferWriter<byte>(Math.Max(256, (int)Math.Min(image.PixelCount / 64, 1 << 22)));
        string filter;
        if (options.PdfImageCodec == PdfImageCodec.G4)
        {
            G4Encoder.Encode(image, stream);
            filter = $"/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns {image.Width} /Rows {image.Height} /BlackIs1 false >>";
        }
        else
        {
            Jbig2Codec.EncodeEmbedded(image, stream, dpi);
            filter = "/Filter /JBIG2Decode";
        }

        string pageWidth = Points(image.Width, dpi), pageHeight = Points(image.Height, dpi);
        string content = $"q {pageWidth} 0 0 {pageHeight} 0 0 cm /Im0 Do Q\n";
        var pdf = new Writer(output);
        pdf.Text("%PDF-1.5\n%\u00E2\u00E3\u00CF\u00D3\n", latin1: true);
        pdf.Object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        pdf.Object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        pdf.Object(3, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pageWidth} {pageHeight}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>");
        pdf.Stream(4, $"<< /Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace /DeviceGray /BitsPerComponent 1 {filter} /Length {stream.WrittenCount} >>", stream.WrittenSpan);
        pdf.Stream(5, $"<< /Length {content.Length} >>", Encoding.ASCII.GetBytes(content));
        pdf.Trailer();
    }

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (!data.StartsWith("%PDF-1."u8))
        {
            throw Fail(data.Length < 7 ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, 0, "not a PDF (no %PDF-1. header)");
        }

        var file = new Reader(data);
        PdfDictionary catalog = file.Dictionary(file.Trailer["Root"], "the trailer's /Root");
        PdfDictionary pages = file.Dictionary(catalog["Pages"], "the catalog's /Pages");
        PdfArray kids = file.Resolve(pages["Kids"]) as PdfArray ?? throw Fail(BilevelFormatError.Malformed, pages.Offset, "/Pages has no /Kids array");
        if (kids.Items.Count != 1)
        {
            throw Fail(BilevelFormatError.Unsupported, kids.Offset, $"{kids.Items.Count} pages; this reads one-page PDFs");
        }

        PdfDictionary page = file.Dictionary(kids.Items[0], "the page");
        PdfDictionary resources = file.Dictionary(page["Resources"], "the page's /Resources");
        PdfDictionary xobjects = file.Dictionary(resources["XObject"], "the page's /XObject resources");
        if (xobjects.Entries.Count != 1)
        {
            throw Fail(BilevelFormatError.Unsupported, xobjects.Offset, $"{xobjects.Entries.Count} XObjects; this reads a page of one image");
        }

        (PdfDictionary image, int streamStart, int streamLength) = file.Stream(xobjects.Entries.Values.Single());
        if (file.Resolve(image["Subtype"]) is not PdfName { Value: "Image" })
        {
            throw Fail(BilevelFormatError.Unsupported, image.Offset, "the XObject is not an image");
        }

        int width = file.Integer(image["Width"], image.Offset, "/Width");
        int height = file.Integer(image["Height"], image.Offset, "/Height");
        BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, image.Offset);
        if (file.Resolve(image["ImageMask"]) is PdfKeyword { Value: "true" })
        {
            throw Fail(BilevelFormatError.Unsupported, image.Offset, "an image mask");
        }

        if (file.Integer(image["BitsPerComponent"], image.Offset, "/BitsPerComponent") != 1 || file.Resolve(image["ColorSpace"]) is not PdfName { Value: "DeviceGray" })
        {
            throw Fail(BilevelFormatError.Unsupported, image.Offset, "the image is not 1-bit DeviceGray");
        }

        bool invert = file.Resolve(image["Decode"]) is PdfArray { Items: [PdfNumber { Value: 1 }, PdfNumber { Value: 0 }] };
        PdfObject? filterObject = file.Resolve(image["Filter"]);
        PdfObject? parmsObject = file.Resolve(image["DecodeParms"]);
        if (filterObject is PdfArray { Items.Count: 1 } filters)
        {
            filterObject = file.Resolve(filters.Items[0]);
            parmsObject = parmsObject is PdfArray { Items.Count: 1 } parmsArray ? file.Resolve(parmsArray.Items[0]) : parmsObject;
        }

        ReadOnlySpan<byte> body = data.Slice(streamStart, streamLength);
        BitImage result;
        try
        {
            result = DecodeStream(file, body, image, filterObject, parmsObject, width, height, maxPixels);
        }
        catch (BilevelFormatException e) when (e.Codec != CodecName)
        {
            // A nested codec's offset is within the stream: report the byte of the file.
            throw Fail(e.Error, streamStart + e.Offset, $"in the image stream: {e.Message}", e);
        }

        if (result.Width != width || result.Height != height)
        {
            int w = result.Width, h = result.Height;
            result.Dispose();
            throw Fail(BilevelFormatError.Malformed, streamStart, $"the image dictionary says {width}x{height}, the stream holds {w}x{h}");
        }

        if (invert)
        {
            for (int y = 0; y < result.Height; y++)
            {
                Span<ulong> row = result.Row(y);
                BitRows.Invert(row, row, result.LastWordMask);
            }
        }

        return result;
    }

    private static BitImage DecodeStream(
        Reader file, ReadOnlySpan<byte> body, PdfDictionary image, PdfObject? filterObject, PdfObject? parmsObject, int width, int height, long maxPixels)
    {
        switch (filterObject)
        {
            case PdfName { Value: "JBIG2Decode" }:
                if (parmsObject is PdfDictionary jbig2Parms && jbig2Parms["JBIG2Globals"] is not null)
                {
                    throw Fail(BilevelFormatError.Unsupported, jbig2Parms.Offset, "JBIG2 global segments");
                }

                return Jbig2Codec.DecodeEmbedded(body, maxPixels);

            case PdfName { Value: "CCITTFaxDecode" }:
                PdfDictionary parms = parmsObject as PdfDictionary ?? new PdfDictionary([], image.Offset);
                int k = parms["K"] is null ? 0 : file.Integer(parms["K"], parms.Offset, "/K", allowNegative: true);
                int columns = parms["Columns"] is null ? 1728 : file.Integer(parms["Columns"], parms.Offset, "/Columns");
                if (k >= 0 || columns != width)
                {
                    throw Fail(BilevelFormatError.Unsupported, parms.Offset, k >= 0 ? $"CCITT /K {k} (Group 3); this reads Group 4 (/K -1)" : $"/Columns {columns} for a {width}-pixel-wide image");
                }

                if (file.Resolve(parms["EncodedByteAlign"]) is PdfKeyword { Value: "true" })
                {
                    throw Fail(BilevelFormatError.Unsupported, parms.Offset, "/EncodedByteAlign true");
                }

                bool blackIs1 = file.Resolve(parms["BlackIs1"]) is PdfKeyword { Value: "true" };
                return G4Decoder.Decode(body, width, height, maxPixels, whiteIsZero: !blackIs1);

            default:
                throw Fail(BilevelFormatError.Unsupported, image.Offset, "the image filter is neither /JBIG2Decode nor /CCITTFaxDecode");
        }
    }

    /// <summary>The error type every PDF failure is reported with.</summary>
    internal static BilevelFormatException Fail(BilevelFormatError error, long offset, string detail, Exception? inner = null) =>
        new(CodecName, error, offset, detail, inner);

    private static string Points(int pixels, double dpi) =>
        Math.Round(pixels * 72.0 / dpi, 4).ToString("0.####", CultureInfo.InvariantCulture);

    // Sequential PDF writer that remembers each object's offset for the cross-reference table.
    private sealed class Writer(IBufferWriter<byte> output)
    {
        private readonly List<long> _offsets = [];
        private long _position;

        public void Text(string text, bool latin1 = false)
        {
            byte[] bytes = latin1 ? Encoding.Latin1.GetBytes(text) : Encoding.ASCII.GetBytes(text);
            Bytes(bytes);
        }

        public void Object(int number, string body)
        {
            _offsets.Add(_position);
            Text($"{number} 0 obj\n{body}\nendobj\n");
        }

        public void Stream(int number, string dictionary, ReadOnlySpan<byte> data)
        {
            _offsets.Add(_position);
            Text($"{number} 0 obj\n{dictionary}\nstream\n");
            Bytes(data);
            Text("\nendstream\nendobj\n");
        }

        public void Trailer()
        {
            long xref = _position;
            var table = new StringBuilder();
            table.Append(CultureInfo.InvariantCulture, $"xref\n0 {_offsets.Count + 1}\n0000000000 65535 f \n");
            foreach (long offset in _offsets)
            {
                table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
            }

            table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
            Text(table.ToString());
        }

        private void Bytes(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            _position += bytes.Length;
        }
    }

    // The cross-reference table and object lookup, strictly: every offset must point at its "n g obj".
    private readonly ref struct Reader
    {
        private const int MaxObjects = 100_000;
        private readonly ReadOnlySpan<byte> _data;
        private readonly Dictionary<int, int> _offsets;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _offsets = [];
            int tail = Math.Max(0, data.Length - 1024);
            int found = data[tail..].LastIndexOf("startxref"u8);
            if (found < 0)
            {
                throw Fail(BilevelFormatError.Truncated, data.Length, "no startxref near the end");
            }

            var lexer = new PdfLexer(data, tail + found + "startxref".Length);
            PdfObject start = lexer.ReadObject();
            if (start is not PdfNumber { IsInteger: true } xrefNumber || xrefNumber.Value < 0 || xrefNumber.Value >= data.Length)
            {
                throw Fail(BilevelFormatError.Malformed, start.Offset, "startxref is not an offset inside the file");
            }

            // Only whitespace here: the lexer would take %%EOF for a comment.
            while (lexer.Position < data.Length && PdfLexer.IsWhite(data[lexer.Position]))
            {
                lexer.Position++;
            }

            if (!data[lexer.Position..].StartsWith("%%EOF"u8))
            {
                throw Fail(BilevelFormatError.Malformed, lexer.Position, "no %%EOF after startxref");
            }

            foreach (byte b in data[(lexer.Position + 5)..])
            {
                if (!PdfLexer.IsWhite(b))
                {
                    throw Fail(BilevelFormatError.Malformed, lexer.Position + 5, "data after %%EOF (an incremental update)");
                }
            }

            lexer.Position = (int)xrefNumber.Value;
            lexer.Expect("xref");
            while (true)
            {
                PdfObject first = lexer.ReadObject();
                if (first is PdfKeyword { Value: "trailer" })
                {
                    break;
                }

                PdfObject count = lexer.ReadObject();
                if (first is not PdfNumber { IsInteger: true } f || count is not PdfNumber { IsInteger: true } c || f.Value < 0 || c.Value < 0 || f.Value + c.Value > MaxObjects)
                {
                    throw Fail(BilevelFormatError.Malformed, first.Offset, "a malformed cross-reference subsection");
                }

                lexer.SkipWhite();
                for (int i = 0; i < (int)c.Value; i++)
                {
                    int entry = lexer.Position + (i * 20);
                    if (entry + 20 > data.Length)
                    {
                        throw Fail(BilevelFormatError.Truncated, entry, "the cross-reference table ends early");
                    }

                    ReadOnlySpan<byte> text = data.Slice(entry, 20);
                    if (text[10] != ' ' || text[16] != ' ' || text[17] is not (byte)'n' and not (byte)'f'
                        || !int.TryParse(text[..10], NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
                    {
                        throw Fail(BilevelFormatError.Malformed, entry, "a malformed cross-reference entry");
                    }

                    if (text[17] == 'n')
                    {
                        _offsets[(int)f.Value + i] = offset;
                    }
                }

                lexer.Position += (int)c.Value * 20;
            }

            Trailer = lexer.ReadObject() as PdfDictionary ?? throw Fail(BilevelFormatError.Malformed, lexer.Position, "the trailer is not a dictionary");
            if (Trailer["Encrypt"] is not null || Trailer["Prev"] is not null)
            {
                throw Fail(BilevelFormatError.Unsupported, Trailer.Offset, Trailer["Encrypt"] is not null ? "an encrypted PDF" : "an incrementally updated PDF");
            }
        }

        public PdfDictionary Trailer { get; }

        public PdfObject? Resolve(PdfObject? value) => Resolve(value, out _);

        public PdfDictionary Dictionary(PdfObject? value, string what) =>
            Resolve(value) as PdfDictionary ?? throw Fail(BilevelFormatError.Malformed, value?.Offset ?? 0, $"{what} is not a dictionary");

        public int Integer(PdfObject? value, long offset, string what, bool allowNegative = false) =>
            Resolve(value) is PdfNumber { IsInteger: true } n && (allowNegative || n.Value >= 0) && Math.Abs(n.Value) <= int.MaxValue
                ? (int)n.Value
                : throw Fail(BilevelFormatError.Malformed, value?.Offset ?? offset, $"{what} is not an integer");

        // The dictionary of a stream object and where its data lies.
        public (PdfDictionary Dictionary, int Start, int Length) Stream(PdfObject reference)
        {
            if (Resolve(reference, out int end) is not PdfDictionary dictionary)
            {
                throw Fail(BilevelFormatError.Malformed, reference.Offset, "the image is not a stream");
            }

            var lexer = new PdfLexer(_data, end);
            lexer.Expect("stream");
            int start = lexer.Position;
            if (start < _data.Length && _data[start] == '\r')
            {
                start++;
            }

            if (start >= _data.Length || _data[start] != '\n')
            {
                throw Fail(BilevelFormatError.Malformed, start, "'stream' is not followed by an end of line");
            }

            start++;
            int length = Integer(dictionary["Length"], dictionary.Offset, "/Length");
            if (length > _data.Length - start)
            {
                throw Fail(BilevelFormatError.Truncated, start, $"a stream of {length} bytes runs past the end of the file");
            }

            lexer.Position = start + length;
            lexer.Expect("endstream");
            return (dictionary, start, length);
        }

        private PdfObject? Resolve(PdfObject? value, out int end)
        {
            end = 0;
            for (int hops = 0; value is PdfReference reference; hops++)
            {
                if (hops == 8 || !_offsets.TryGetValue(reference.Number, out int offset) || offset >= _data.Length)
                {
                    throw Fail(BilevelFormatError.Malformed, reference.Offset, $"object {reference.Number} is not in the cross-reference table");
                }

                var lexer = new PdfLexer(_data, offset);
                if (lexer.ReadObject() is not PdfNumber { Value: var number } || (int)number != reference.Number || lexer.ReadObject() is not PdfNumber)
                {
                    throw Fail(BilevelFormatError.Malformed, offset, $"the cross-reference offset of object {reference.Number} does not point at it");
                }

                lexer.Expect("obj");
                value = lexer.ReadObject();
                end = lexer.Position;
            }

            return value;
        }
    }
}
