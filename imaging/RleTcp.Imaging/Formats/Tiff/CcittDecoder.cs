using System.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs.G4;

namespace RleTcp.Imaging.Formats;

/// <summary>The three CCITT codings a TIFF can hold.</summary>
internal enum CcittCoding
{
    /// <summary>TIFF compression 2: modified Huffman, one-dimensional, each row starting on a byte, no EOL codes.</summary>
    ModifiedHuffman,

    /// <summary>TIFF compression 3: T.4, each row after an EOL, one- or (T4Options bit 0) two-dimensional.</summary>
    Group3,

    /// <summary>TIFF compression 4: T.6, every row two-dimensional against the one above, no EOL codes.</summary>
    Group4,
}

/// <summary>
/// Decodes one CCITT-coded TIFF strip or tile the way libtiff 4.5 (and so Pillow 9.4) does: rows come out as packed
/// bits, MSB first, a set bit for a CCITT "black" run (what the photometric interpretation then maps). Each row is
/// bounded by the image width and the decoder by the bytes it was given: data that ends before the last row is
/// refused, never padded.
/// </summary>
internal ref struct CcittDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _lsbFirst;
    private readonly long _bitLength;
    private readonly int _width;
    private readonly CcittCoding _coding;
    private readonly bool _twoDimensional;
    private long _bit;

    // Changing elements of the row above (reference) and of the row being decoded (coding), each followed by two
    // entries of the width so the b1/b2 search always stops.
    private int[] _reference;
    private int[] _coding2;
    private int _referenceCount;
    private bool _endOfLineSeen;

    /// <summary>Prepares to decode <paramref name="data"/> (one strip) of rows <paramref name="width"/> pixels wide.</summary>
    public CcittDecoder(ReadOnlySpan<byte> data, int width, CcittCoding coding, long t4Options, bool lsbFirst)
    {
        if ((t4Options & 2) != 0)
        {
            throw ImageIntakeException.Invalid("The TIFF uses CCITT uncompressed mode (T4Options bit 1), which is not read.");
        }

        _data = data;
        _lsbFirst = lsbFirst;
        _bitLength = (long)data.Length * 8;
        _width = width;
        _coding = coding;
        _twoDimensional = coding == CcittCoding.Group4 || (coding == CcittCoding.Group3 && (t4Options & 1) != 0);
        _bit = 0;
        _reference = ArrayPool<int>.Shared.Rent(width + 3);
        _coding2 = ArrayPool<int>.Shared.Rent(width + 3);
        _reference[0] = width;
        _reference[1] = width;
        _referenceCount = 0;
        _endOfLineSeen = false;
    }

    /// <summary>Decodes the next row into <paramref name="packed"/> (at least <c>ceil(width / 8)</c> bytes).</summary>
    public void ReadRow(Span<byte> packed)
    {
        int count;
        switch (_coding)
        {
            case CcittCoding.ModifiedHuffman:
                count = Decode1D();
                _bit = (_bit + 7) & ~7L; // the next row starts on a byte boundary
                break;
            case CcittCoding.Group3:
                SyncEndOfLine();
                count = _twoDimensional && ReadBits(1) == 0 ? Decode2D() : Decode1D();
                break;
            default:
                count = Decode2D();
                break;
        }

        Fill(packed, count);

        // The row just decoded is the reference for the next one.
        (_reference, _coding2) = (_coding2, _reference);
        _referenceCount = count;
        _reference[count] = _width;
        _reference[count + 1] = _width;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_reference);
        ArrayPool<int>.Shared.Return(_coding2);
    }

    // Pads a row that ends early (an EOL in the middle of it) with white, as libtiff does.
    private int Decode1D()
    {
        int a0 = 0, colour = 0, count = 0;
        while (a0 < _width)
        {
            int run = ReadRun(colour);
            if (run == CcittLookupTables.EndOfLine)
            {
                _endOfLineSeen = true;
                break;
            }

            a0 = Math.Min(_width, a0 + run);
            Add(ref count, a0);
            colour ^= 1;
        }

        if ((count & 1) != 0 && a0 < _width)
        {
            // The runs so far end in white... or black: a zero-length run keeps the padding white.
            Add(ref count, a0);
        }

        return count;
    }

    private int Decode2D()
    {
        int a0 = -1, colour = 0, count = 0, b = 0;
        int[] reference = _reference;
        while (a0 < _width)
        {
            // b1: the first changing element of the reference row right of a0 whose colour is the opposite of a0's
            // (element i changes to black when i is even); b2 the next one.
            while (b > 0 && reference[b - 1] > a0)
            {
                b--;
            }

            while (b < _referenceCount && (reference[b] <= a0 || (b & 1) != colour))
            {
                b++;
            }

            int b1 = reference[b], b2 = reference[b + 1];
            int mode = ReadMode();
            switch (mode)
            {
                case CcittLookupTables.Pass:
                    a0 = b2;
                    break;
                case CcittLookupTables.Horizontal:
                {
                    int start = Math.Max(a0, 0);
                    int first = ReadRunNoEol(colour), second = ReadRunNoEol(colour ^ 1);
                    int a1 = Math.Min(_width, start + first);
                    int a2 = Math.Min(_width, a1 + second);
                    Add(ref count, a1);
                    Add(ref count, a2);
                    a0 = a2;
                    break;
                }

                case CcittLookupTables.Extension:
                    throw ImageIntakeException.Invalid("The TIFF CCITT data uses an extension (uncompressed) mode, which is not read.");
                default:
                {
                    int a1 = b1 + mode;
                    if (a1 < Math.Max(a0, 0) || a1 > _width)
                    {
                        throw ImageIntakeException.Invalid($"The TIFF CCITT data is corrupt: a vertical code puts a change at {a1}, outside {Math.Max(a0, 0)}..{_width}.");
                    }

                    Add(ref count, a1);
                    a0 = a1;
                    colour ^= 1;
                    break;
                }
            }
        }

        return count;
    }

    private void Add(ref int count, int position)
    {
        if (count > _width)
        {
            throw ImageIntakeException.Invalid("The TIFF CCITT data is corrupt: a row has more changes than pixels.");
        }

        _coding2[count++] = position;
    }

    // Sets the bits of the black runs: [c0, c1), [c2, c3), ...
    private void Fill(Span<byte> packed, int count)
    {
        int rowBytes = (_width + 7) >> 3;
        packed[..rowBytes].Clear();
        for (int i = 0; i + 1 <= count; i += 2)
        {
            int from = _coding2[i], to = i + 1 < count ? _coding2[i + 1] : _width;
            for (int x = from; x < to; x++)
            {
                packed[x >> 3] |= (byte)(0x80 >> (x & 7));
            }
        }
    }

    // T.4: libtiff's SYNC_EOL. Unless the row before ended on an EOL, skip to 11 zero bits; then skip zeros
    // (fill bits) and the 1 that ends the EOL.
    private void SyncEndOfLine()
    {
        if (!_endOfLineSeen)
        {
            while (PeekBits(11) != 0)
            {
                _bit++;
            }
        }

        _endOfLineSeen = false;
        while (PeekBits(1) == 0)
        {
            _bit++;
        }

        _bit++;
    }

    private int ReadRunNoEol(int colour)
    {
        int run = ReadRun(colour);
        return run == CcittLookupTables.EndOfLine
            ? throw ImageIntakeException.Invalid("The TIFF CCITT data is corrupt: an EOL inside a horizontal-mode pair.")
            : run;
    }

    // One run: make-up codes (64 or more) then the terminating code (0..63) they add to.
    private int ReadRun(int colour)
    {
        int total = 0;
        int[] table = CcittLookupTables.Runs[colour];
        while (true)
        {
            int entry = table[PeekBits(CcittLookupTables.RunBits)];
            if (entry == 0)
            {
                throw ImageIntakeException.Invalid($"The TIFF CCITT data is corrupt: no {(colour == 0 ? "white" : "black")} run code at bit {_bit}.");
            }

            Consume(entry >> 16);
            int run = (entry & 0xFFFF) - 2;
            if (run == CcittLookupTables.EndOfLine)
            {
                return total == 0 ? run : throw ImageIntakeException.Invalid("The TIFF CCITT data is corrupt: an EOL after a make-up code.");
            }

            total += run;
            if (run < 64)
            {
                return total;
            }
        }
    }

    private int ReadMode()
    {
        int entry = CcittLookupTables.Modes[PeekBits(CcittLookupTables.ModeBits)];
        if (entry == 0)
        {
            throw ImageIntakeException.Invalid($"The TIFF CCITT data is corrupt: no mode code at bit {_bit}.");
        }

        Consume(entry >> 16);
        return (entry & 0xFFFF) - 8;
    }

    private int ReadBits(int n)
    {
        int value = PeekBits(n);
        Consume(n);
        return value;
    }

    private void Consume(int n)
    {
        _bit += n;
        if (_bit > _bitLength)
        {
            throw ImageIntakeException.Invalid("The TIFF CCITT data is truncated: the strip ends before its last row.");
        }
    }

    // The next n (at most 16) bits, zero past the end; at the end itself the data is truncated.
    private int PeekBits(int n)
    {
        if (_bit >= _bitLength)
        {
            throw ImageIntakeException.Invalid("The TIFF CCITT data is truncated: the strip ends before its last row.");
        }

        // Three bytes hold the (at most 7 + 16) bits from the current bit on.
        int at = (int)(_bit >> 3);
        uint window = 0;
        for (int i = 0; i < 3; i++)
        {
            byte b = at + i < _data.Length ? _data[at + i] : (byte)0;
            window = (window << 8) | (_lsbFirst ? BitReversal.Table[b] : b);
        }

        int shift = 24 - (int)(_bit & 7) - n;
        return (int)((window >> shift) & ((1u << n) - 1));
    }
}
