using System.Globalization;
using System.Text;

namespace RleTcp.Protocol.Codecs.Pdf;

/// <summary>A parsed PDF object: dictionary, array, name, number, reference, string, boolean or null.</summary>
internal abstract record PdfObject(long Offset);

internal sealed record PdfName(string Value, long Offset) : PdfObject(Offset);

internal sealed record PdfNumber(double Value, bool IsInteger, long Offset) : PdfObject(Offset);

internal sealed record PdfReference(int Number, int Generation, long Offset) : PdfObject(Offset);

internal sealed record PdfString(long Offset) : PdfObject(Offset);

internal sealed record PdfKeyword(string Value, long Offset) : PdfObject(Offset);

internal sealed record PdfArray(List<PdfObject> Items, long Offset) : PdfObject(Offset);

internal sealed record PdfDictionary(Dictionary<string, PdfObject> Entries, long Offset) : PdfObject(Offset)
{
    public PdfObject? this[string key] => Entries.TryGetValue(key, out PdfObject? value) ? value : null;
}

/// <summary>
/// Parses PDF objects from bytes: the subset a one-image PDF needs (no object streams, no encryption), with a
/// nesting bound and every failure reported at its byte offset.
/// </summary>
internal ref struct PdfLexer
{
    private const int MaxDepth = 32;
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PdfLexer(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    public int Position
    {
        readonly get => _position;
        set => _position = value;
    }

    public static bool IsWhite(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

    public static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    public void SkipWhite()
    {
        while (_position < _data.Length)
        {
            byte b = _data[_position];
            if (IsWhite(b))
            {
                _position++;
            }
            else if (b == '%')
            {
                while (_position < _data.Length && _data[_position] is not 10 and not 13)
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Reads one object; <c>n g R</c> becomes a reference.</summary>
    public PdfObject ReadObject(int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw PdfCodec.Fail(BilevelFormatError.Unsupported, _position, $"objects nested deeper than {MaxDepth}");
        }

        SkipWhite();
        long start = _position;
        if (_position >= _data.Length)
        {
            throw PdfCodec.Fail(BilevelFormatError.Truncated, _position, "the data ends where an object should be");
        }

        byte b = _data[_position];
        if (b == '/')
        {
            _position++;
            return new PdfName(ReadRegular(), start);
        }

        if (b == '<' && Peek(1) == '<')
        {
            _position += 2;
            var entries = new Dictionary<string, PdfObject>(StringComparer.Ordinal);
            while (true)
            {
                SkipWhite();
                if (Peek(0) == '>' && Peek(1) == '>')
                {
                    _position += 2;
                    return new PdfDictionary(entries, start);
                }

                if (ReadObject(depth + 1) is not PdfName key)
                {
                    throw PdfCodec.Fail(BilevelFormatError.Malformed, _position, "a dictionary key is not a name");
                }

                entries[key.Value] = ReadObject(depth + 1);
            }
        }

        if (b == '<')
        {
            int end = _data[_position..].IndexOf((byte)'>');
            if (end < 0)
            {
                throw PdfCodec.Fail(BilevelFormatError.Truncated, start, "an unterminated hex string");
            }

            _position += end + 1;
            return new PdfString(start);
        }

        if (b == '(')
        {
            SkipLiteralString();
            return new PdfString(start);
        }

        if (b == '[')
        {
            _position++;
            var items = new List<PdfObject>();
            while (true)
            {
                SkipWhite();
                if (Peek(0) == ']')
                {
                    _position++;
                    return new PdfArray(items, start);
                }

                items.Add(ReadObject(depth + 1));
            }
        }

        string token = ReadRegular();
        if (token.Length == 0)
        {
            throw PdfCodec.Fail(BilevelFormatError.Malformed, start, $"an unexpected byte 0x{b:X2}");
        }

        if (double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            bool integer = !token.Contains('.', StringComparison.Ordinal);
            if (integer && number >= 0 && number <= int.MaxValue)
            {
                // n g R: look ahead without consuming unless it is a reference.
                int save = _position;
                SkipWhite();
                string generation = ReadRegular();
                SkipWhite();
                if (generation.Length > 0 && int.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out int g) && Peek(0) == 'R' && (Peek(1) is 0 || IsWhite(Peek(1)) || IsDelimiter(Peek(1))))
                {
                    _position++;
                    return new PdfReference((int)number, g, start);
                }

                _position = save;
            }

            return new PdfNumber(number, integer, start);
        }

        return new PdfKeyword(token, start);
    }

    /// <summary>Reads the keyword at the position (after whitespace), failing unless it is <paramref name="expected"/>.</summary>
    public void Expect(string expected)
    {
        SkipWhite();
        long at = _position;
        string token = ReadRegular();
        if (token != expected)
        {
            throw PdfCodec.Fail(
                _position >= _data.Length ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, at, $"'{expected}' expected, found '{Shorten(token)}'");
        }
    }

    private readonly byte Peek(int ahead) => _position + ahead < _data.Length ? _data[_position + ahead] : (byte)0;

    private string ReadRegular()
    {
        int start = _position;
        while (_position < _data.Length && !IsWhite(_data[_position]) && !IsDelimiter(_data[_position]) && _position - start < 127)
        {
            _position++;
        }

        return Encoding.ASCII.GetString(_data[start.._position]);
    }

    private void SkipLiteralString()
    {
        long start = _position;
        int nesting = 0;
        while (_position < _data.Length)
        {
            byte b = _data[_position++];
            if (b == '\\')
            {
                _position++;
            }
            else if (b == '(')
            {
                nesting++;
            }
            else if (b == ')' && --nesting == 0)
            {
                return;
            }
        }

        throw PdfCodec.Fail(BilevelFormatError.Truncated, start, "an unterminated string");
    }

    private static string Shorten(string token) => token.Length > 20 ? token[..20] + "…" : token;
}
