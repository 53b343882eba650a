using System.Runtime.CompilerServices;
using System.Buffers;
using RleTcp.Protocol.Bits;

// One file on purpose (~360 lines): the strict T.6 row loop, its run reader and its bit reader are one hot path and
// are read together.
namespace RleTcp.Protocol.Codecs.G4;

/// <summary>
/// Reads CCITT T.6 (Group 4) streams strictly: every code word must be valid, every changing element must lie in
/// its row and to the right of the last, and nothing but an end-of-facsimile block and zero padding may follow the
/// last row. Errors name the byte of the offending code word.
/// </summary>
public static class G4Decoder
{
    /// <summary>
    /// Decodes a stream of rows <paramref name="width"/> pixels wide. With <paramref name="height"/> given (as in a
    /// TIFF strip) exactly that many rows are read and the EOFB is optional; with <c>null</c> the rows run to the
    /// EOFB, which is then required. The pixel budget is checked before any bitmap is allocated.
    /// </summary>
    /// <param name="data">The T.6 bytes, MSB-first.</param>
    /// <param name="width">Row width in pixels.</param>
    /// <param name="height">The number of rows, or <c>null</c> to read to the EOFB.</param>
    /// <param name="maxPixels">The pixel budget.</param>
    /// <param name="whiteIsZero">True for the fax convention (a code's white runs are white pixels).</param>
    /// <param name="codec">The codec name to report in errors.</param>
    /// <returns>A pooled image; dispose it when done.</returns>
    /// <exception cref="BilevelFormatException">The stream is malformed, truncated or over budget.</exception>
    public static BitImage Decode(
        ReadOnlySpan<byte> data, int width, int? height, long maxPixels, bool whiteIsZero = true, string codec = "g4")
    {
        BilevelFormatException.ThrowIfTooLarge(codec, width, height ?? 1, maxPixels, 0);
        int rows = height ?? CountRows(data, width, maxPixels, codec);
        BilevelFormatException.ThrowIfTooLarge(codec, width, rows, maxPixels, 0);
        var image = BitImage.CreatePooled(width, rows);
        try
        {
            DecodeInto(data, 0, image, 0, rows, whiteIsZero, requireEofb: height is null, codec);
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes <paramref name="rowCount"/> rows of <paramref name="image"/> from <paramref name="data"/> (one TIFF
    /// strip). <paramref name="baseOffset"/> is added to the byte offsets in errors.
    /// </summary>
    internal static void DecodeInto(
        ReadOnlySpan<byte> data, long baseOffset, BitImage image, int firstRow, int rowCount, bool whiteIsZero, bool requireEofb, string codec)
    {
        int width = image.Width;
        int[] reference = ArrayPool<int>.Shared.Rent(width + 3);
        int[] coding = ArrayPool<int>.Shared.Rent(width + 3);
        try
        {
            var reader = new BitReader(data, baseOffset, codec);
            reference.AsSpan(0, 3).Fill(width);
            for (int y = firstRow; y < firstRow + rowCount; y++)
            {
                if (reader.Peek(CcittCodes.EolBits) == CcittCodes.Eol)
                {
                    throw reader.Error(BilevelFormatError.Malformed, $"an end of line where row {y} of {firstRow + rowCount} should start");
                }

                int count = DecodeRow(ref reader, coding, reference, width, y);
                Span<ulong> row = image.Row(y);
                for (int k = 0; k < count; k += 2)
                {
                    int end = k + 1 < count ? coding[k + 1] : width;
                    BitRows.SetOnes(row, coding[k], end - coding[k]);
                }

                if (whiteIsZero)
                {
                    BitRows.Invert(row, row, image.LastWordMask);
                }

                (coding, reference) = (reference, coding);
            }

            reader.ReadEnd(requireEofb);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(reference);
            ArrayPool<int>.Shared.Return(coding);
        }
    }

    // The rows of a stream that ends with an EOFB, found by decoding the change lists only (nothing is allocated but
    // two lists); the budget bounds the count, so a stream of endless all-white rows costs at most maxPixels / width.
    private static int CountRows(ReadOnlySpan<byte> data, int width, long maxPixels, string codec)
    {
        long limit = Math.Min(BitImage.MaxDimension, maxPixels / width);
        int[] reference = ArrayPool<int>.Shared.Rent(width + 3);
        int[] coding = ArrayPool<int>.Shared.Rent(width + 3);
        try
        {
            var reader = new BitReader(data, 0, codec);
            reference.AsSpan(0, 3).Fill(width);
            int rows = 0;
            while (reader.Peek(CcittCodes.EolBits) != CcittCodes.Eol)
            {
                if (rows >= limit)
                {
                    throw reader.Error(
                        BilevelFormatError.TooLarge, $"more than {limit} rows of {width} pixels (the budget is {maxPixels} pixels, a side at most {BitImage.MaxDimension})");
                }

                DecodeRow(ref reader, coding, reference, width, rows);
                (coding, reference) = (reference, coding);
                rows++;
            }

            if (rows == 0)
            {
                throw reader.Error(BilevelFormatError.Malformed, "the stream ends before its first row");
            }

            return rows;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(reference);
            ArrayPool<int>.Shared.Return(coding);
        }
    }

    // Decodes one row's modes into `coding` (strictly increasing changes, all < width, then three `width` sentinels)
    // and returns the number of changes.
    // Hot loop: compiled fully optimised at once, so a first large image does not run it unoptimised (tiered JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DecodeRow(ref BitReader reader, int[] coding, int[] reference, int width, int y)
    {
        int count = 0;
        int a0 = -1;
        int color = 0;
        int j = 0;
        while (a0 < width)
        {
            while (reference[j] <= a0)
            {
                j++;
            }

            int k = ((j & 1) != color) ? j + 1 : j;
            int b1 = reference[k];
            int b2 = reference[k + 1];
            long at = reader.ByteOffset;
            uint peek = reader.Peek(7);
            if ((peek & 0x40) != 0)
            {
                // V0: 1
                reader.Skip(1);
                a0 = Vertical(ref reader, coding, ref count, a0, b1, width, y, at);
                color ^= 1;
            }
            else if ((peek >> 4) == 0b011 || (peek >> 4) == 0b010)
            {
                // VR1 011, VL1 010
                reader.Skip(3);
                a0 = Vertical(ref reader, coding, ref count, a0, (peek >> 4) == 0b011 ? b1 + 1 : b1 - 1, width, y, at);
                color ^= 1;
            }
            else if ((peek >> 4) == 0b001)
            {
                reader.Skip(3);
                int start = a0 < 0 ? 0 : a0;
                int run1 = ReadRun(ref reader, color == 0 ? CcittCodes.WhiteDecode : CcittCodes.BlackDecode, y);
                int run2 = ReadRun(ref reader, color == 0 ? CcittCodes.BlackDecode : CcittCodes.WhiteDecode, y);
                long a1 = (long)start + run1;
                long a2 = a1 + run2;
                if (a2 > width)
                {
                    throw reader.Error(BilevelFormatError.Malformed, at, $"horizontal runs of {run1} and {run2} from pixel {start} cross the end of row {y} ({width} pixels)");
                }

                if ((run1 == 0 && a0 >= 0) || (run2 == 0 && a1 < width))
                {
                    throw reader.Error(BilevelFormatError.Malformed, at, $"a zero-length run inside row {y} at pixel {a1}");
                }

                if (a1 < width)
                {
                    coding[count++] = (int)a1;
                }

                if (a2 < width)
                {
                    coding[count++] = (int)a2;
                }

                a0 = (int)a2;
            }
            else if ((peek >> 3) == 0b0001)
            {
                reader.Skip(4);
                if (b2 >= width)
                {
                    throw reader.Error(BilevelFormatError.Malformed, at, $"a pass mode past the end of row {y}");
                }

                a0 = b2;
            }
            else if ((peek >> 1) == 0b000011 || (peek >> 1) == 0b000010)
            {
                reader.Skip(6);
                a0 = Vertical(ref reader, coding, ref count, a0, (peek >> 1) == 0b000011 ? b1 + 2 : b1 - 2, width, y, at);
                color ^= 1;
            }
            else if (peek == 0b0000011 || peek == 0b0000010)
            {
                reader.Skip(7);
                a0 = Vertical(ref reader, coding, ref count, a0, peek == 0b0000011 ? b1 + 3 : b1 - 3, width, y, at);
                color ^= 1;
            }
            else if (peek == 0b0000001)
            {
                throw reader.Error(BilevelFormatError.Unsupported, at, $"an extension code (uncompressed mode) in row {y}");
            }
            else
            {
                throw reader.Error(reader.PastEnd(7) ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, at, $"no valid mode code in row {y} at pixel {Math.Max(a0, 0)}");
            }
        }

        coding.AsSpan(count, 3).Fill(width);
        return count;
    }

    private static int Vertical(ref BitReader reader, int[] coding, ref int count, int a0, int a1, int width, int y, long at)
    {
        if (a1 > width || a1 < 0 || (a0 >= 0 && a1 <= a0))
        {
            throw reader.Error(BilevelFormatError.Malformed, at, $"a vertical mode puts a change at pixel {a1} of row {y}, outside {Math.Max(a0, 0)}..{width}");
        }

        if (a1 < width)
        {
            coding[count++] = a1;
        }

        return a1;
    }

    // A run: make-up codes (64 and more) until a terminating code; the sum is bounded by the caller's width check,
    // and the number of make-ups by the data itself.
    private static int ReadRun(ref BitReader reader, int[] table, int y)
    {
        long run = 0;
        while (true)
        {
            long at = reader.ByteOffset;
            int entry = table[reader.Peek(CcittCodes.MaxRunCodeBits)];
            if (entry == 0)
            {
                throw reader.Error(reader.PastEnd(1) ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, at, $"no valid run code in row {y}");
            }

            reader.Skip(entry >> 16);
            int length = entry & 0xFFFF;
            run += length;
            if (run > BitImage.MaxDimension)
            {
                throw reader.Error(BilevelFormatError.Malformed, at, $"a run longer than any row in row {y}");
            }

            if (length < 64)
            {
                return (int)run;
            }
        }
    }

    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly long _baseOffset;
        private readonly string _codec;
        private long _bitPosition;

        public BitReader(ReadOnlySpan<byte> data, long baseOffset, string codec)
        {
            _data = data;
            _baseOffset = baseOffset;
            _codec = codec;
            _bitPosition = 0;
        }

        public readonly long ByteOffset => _baseOffset + (_bitPosition >> 3);

        // The next `bits` (at most 25) bits, zeros past the end of the data.
        public readonly uint Peek(int bits)
        {
            long byteIndex = _bitPosition >> 3;
            uint window = 0;
            for (int i = 0; i < 4; i++)
            {
                long index = byteIndex + i;
                window = (window << 8) | (index < _data.Length ? _data[(int)index] : 0u);
            }

            return (window << (int)(_bitPosition & 7)) >> (32 - bits);
        }

        public readonly bool PastEnd(int bits) => _bitPosition + bits > (long)_data.Length * 8;

        public void Skip(int bits)
        {
            if (PastEnd(bits))
            {
                throw Error(BilevelFormatError.Truncated, _baseOffset + _data.Length, "the data ends inside a code word");
            }

            _bitPosition += bits;
        }

        // After the last row: an optional EOFB (required when asked), then only zero bits.
        public void ReadEnd(bool requireEofb)
        {
            if (Peek(24) == ((CcittCodes.Eol << 12) | CcittCodes.Eol) && !PastEnd(24))
            {
                _bitPosition += 24;
            }
            else if (requireEofb)
            {
                throw Error(PastEnd(24) ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, "the stream does not end with an EOFB (two end-of-line codes)");
            }

            // The rest of the current byte, then whole bytes, must be zero.
            int used = (int)(_bitPosition & 7);
            long index = _bitPosition >> 3;
            if (used != 0)
            {
                if ((byte)(_data[(int)index] << used) != 0)
                {
                    throw Error(BilevelFormatError.Malformed, _baseOffset + index, "non-zero bits after the last row");
                }

                index++;
            }

            for (; index < _data.Length; index++)
            {
                if (_data[(int)index] != 0)
                {
                    throw Error(BilevelFormatError.Malformed, _baseOffset + index, $"{_data.Length - index} bytes of data after the last row");
                }
            }
        }

        public readonly BilevelFormatException Error(BilevelFormatError error, string detail) =>
            new(_codec, error, ByteOffset, detail);

        public readonly BilevelFormatException Error(BilevelFormatError error, long offset, string detail) =>
            new(_codec, error, offset, detail);
    }
}
