using System.Globalization;

namespace RleTcp.Protocol.Codecs.Pdf;

/// <summary>A PDF's cross-reference table and object lookup, strictly: every offset must point at its "n g obj".</summary>
internal readonly ref struct PdfFileReader
{
    private const int MaxObjects = 100_000;
    private readonly ReadOnlySpan<byte> _data;
    private readonly Dictionary<int, int> _offsets;

    public PdfFileReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offsets = [];
        int tail = Math.Max(0, data.Length - 1024);
        int found = data[tail..].LastIndexOf("startxref"u8);
        if (found < 0)
        {
            throw PdfCodec.Fail(BilevelFormatError.Truncated, data.Length, "no startxref near the end");
        }

        var lexer = new PdfLexer(data, tail + found + "startxref".Length);
        PdfObject start = lexer.ReadObject();
        if (start is not PdfNumber { IsInteger: true } xrefNumber || xrefNumber.Value < 0 || xrefNumber.Value >= data.Length)
        {
            throw PdfCodec.Fail(BilevelFormatError.Malformed, start.Offset, "startxref is not an offset inside the file");
        }

        // Only whitespace here: the lexer would take %%EOF for a comment.
        while (lexer.Position < data.Length && PdfLexer.IsWhite(data[lexer.Position]))
        {
            lexer.Position++;
        }

        if (!data[lexer.Position..].StartsWith("%%EOF"u8))
        {
            throw PdfCodec.Fail(BilevelFormatError.Malformed, lexer.Position, "no %%EOF after startxref");
        }

        foreach (byte b in data[(lexer.Position + 5)..])
        {
            if (!PdfLexer.IsWhite(b))
            {
                throw PdfCodec.Fail(BilevelFormatError.Malformed, lexer.Position + 5, "data after %%EOF (an incremental update)");
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
                throw PdfCodec.Fail(BilevelFormatError.Malformed, first.Offset, "a malformed cross-reference subsection");
            }

            lexer.SkipWhite();
            for (int i = 0; i < (int)c.Value; i++)
            {
                int entry = lexer.Position + (i * 20);
                if (entry + 20 > data.Length)
                {
                    throw PdfCodec.Fail(BilevelFormatError.Truncated, entry, "the cross-reference table ends early");
                }

                ReadOnlySpan<byte> text = data.Slice(entry, 20);
                if (text[10] != ' ' || text[16] != ' ' || text[17] is not (byte)'n' and not (byte)'f'
                    || !int.TryParse(text[..10], NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
                {
                    throw PdfCodec.Fail(BilevelFormatError.Malformed, entry, "a malformed cross-reference entry");
                }

                if (text[17] == 'n')
                {
                    _offsets[(int)f.Value + i] = offset;
                }
            }

            lexer.Position += (int)c.Value * 20;
        }

        Trailer = lexer.ReadObject() as PdfDictionary ?? throw PdfCodec.Fail(BilevelFormatError.Malformed, lexer.Position, "the trailer is not a dictionary");
        if (Trailer["Encrypt"] is not null || Trailer["Prev"] is not null)
        {
            throw PdfCodec.Fail(BilevelFormatError.Unsupported, Trailer.Offset, Trailer["Encrypt"] is not null ? "an encrypted PDF" : "an incrementally updated PDF");
        }
    }

    public PdfDictionary Trailer { get; }

    public PdfObject? Resolve(PdfObject? value) => Resolve(value, out _);

    public PdfDictionary Dictionary(PdfObject? value, string what) =>
        Resolve(value) as PdfDictionary ?? throw PdfCodec.Fail(BilevelFormatError.Malformed, value?.Offset ?? 0, $"{what} is not a dictionary");

    public int Integer(PdfObject? value, long offset, string what, bool allowNegative = false) =>
        Resolve(value) is PdfNumber { IsInteger: true } n && (allowNegative || n.Value >= 0) && Math.Abs(n.Value) <= int.MaxValue
            ? (int)n.Value
            : throw PdfCodec.Fail(BilevelFormatError.Malformed, value?.Offset ?? offset, $"{what} is not an integer");

    // The dictionary of a stream object and where its data lies.
    public (PdfDictionary Dictionary, int Start, int Length) Stream(PdfObject reference)
    {
        if (Resolve(reference, out int end) is not PdfDictionary dictionary)
        {
            throw PdfCodec.Fail(BilevelFormatError.Malformed, reference.Offset, "the image is not a stream");
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
            throw PdfCodec.Fail(BilevelFormatError.Malformed, start, "'stream' is not followed by an end of line");
        }

        start++;
        int length = Integer(dictionary["Length"], dictionary.Offset, "/Length");
        if (length > _data.Length - start)
        {
            throw PdfCodec.Fail(BilevelFormatError.Truncated, start, $"a stream of {length} bytes runs past the end of the file");
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
                throw PdfCodec.Fail(BilevelFormatError.Malformed, reference.Offset, $"object {reference.Number} is not in the cross-reference table");
            }

            var lexer = new PdfLexer(_data, offset);
            if (lexer.ReadObject() is not PdfNumber { Value: var number } || (int)number != reference.Number || lexer.ReadObject() is not PdfNumber)
            {
                throw PdfCodec.Fail(BilevelFormatError.Malformed, offset, $"the cross-reference offset of object {reference.Number} does not point at it");
            }

            lexer.Expect("obj");
            value = lexer.ReadObject();
            end = lexer.Position;
        }

        return value;
    }
}
