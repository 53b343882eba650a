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
        var pdf = new PdfWriter(output);
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

        var file = new PdfFileReader(data);
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
        PdfFileReader file, ReadOnlySpan<byte> body, PdfDictionary image, PdfObject? filterObject, PdfObject? parmsObject, int width, int height, long maxPixels)
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
}
