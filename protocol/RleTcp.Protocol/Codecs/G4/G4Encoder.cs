using System.Buffers;
using System.Runtime.CompilerServices;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.G4;

/// <summary>
/// Writes CCITT T.6 (Group 4) streams, bit for bit the stream libtiff writes for the same rows (its mode choice,
/// its make-up code splitting, its end-of-facsimile block and zero padding).
/// </summary>
/// <remarks>
/// Each row is turned into its list of changing elements with one leading-zero count per change (no per-pixel
/// work), and the T.6 mode decisions are made over the lists of the coding and the reference row.
/// </remarks>
public static class G4Encoder
{
    /// <summary>
    /// Encodes the whole image with the fax convention (a 0 bit is white, as TIFF PhotometricInterpretation 0 and a
    /// PDF CCITTFaxDecode filter with BlackIs1 false read it), ending with EOFB.
    /// </summary>
    public static void Encode(BitImage image, IBufferWriter<byte> output) =>
        EncodeRows(image, 0, image.Height, output, whiteIsZero: true);

    /// <summary>
    /// Encodes rows <paramref name="firstRow"/> .. + <paramref name="rowCount"/> - 1 as one T.6 stream (the first row
    /// coded against an imaginary white row, as a TIFF strip is), ending with EOFB.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="firstRow">The first row to code.</param>
    /// <param name="rowCount">How many rows.</param>
    /// <param name="output">Receives the bytes.</param>
    /// <param name="whiteIsZero">
    /// True for the fax convention (white pixels are the code's white runs); false codes the image's own bits, so
    /// white (1) pixels become the code's black runs, as libtiff codes a BlackIsZero TIFF.
    /// </param>
    public static void EncodeRows(BitImage image, int firstRow, int rowCount, IBufferWriter<byte> output, bool whiteIsZero)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if (firstRow < 0 || rowCount < 0 || firstRow > image.Height - rowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), "The rows are outside the image.");
        }

        int width = image.Width;
        int[] reference = ArrayPool<int>.Shared.Rent(width + 3);
        int[] coding = ArrayPool<int>.Shared.Rent(width + 3);
        ulong[] inverted = ArrayPool<ulong>.Shared.Rent(image.WordsPerRow);
        try
        {
            var writer = new BitWriter(output);
            reference.AsSpan(0, 3).Fill(width); // the imaginary white row above the first
            for (int y = firstRow; y < firstRow + rowCount; y++)
            {
                ReadOnlySpan<ulong> row = image.Row(y);
                if (whiteIsZero)
                {
                    Span<ulong> scratch = inverted.AsSpan(0, image.WordsPerRow);
                    BitRows.Invert(row, scratch, image.LastWordMask);
                    row = scratch;
                }

                int count = BitRows.FindChanges(row, width, coding);
                coding.AsSpan(count, 3).Fill(width);
                EncodeRow(ref writer, coding, reference, width);
                (coding, reference) = (reference, coding);
            }

            writer.Put(CcittCodes.Eol, CcittCodes.EolBits);
            writer.Put(CcittCodes.Eol, CcittCodes.EolBits);
            writer.Flush();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(reference);
            ArrayPool<int>.Shared.Return(coding);
            ArrayPool<ulong>.Shared.Return(inverted);
        }
    }

    // One row of T.6 modes. coding/reference: the changing elements, each list followed by three entries of `width`,
    // change k turning the row to colour 1 when k is even. The choices are libtiff's (Fax3Encode2DRow): pass when
    // b2 < a1, vertical when |b1 - a1| <= 3, horizontal otherwise; a0 starts before pixel 0 with colour 0.
    // Hot loop: compiled fully optimised at once, so a first large image does not run it unoptimised (tiered JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncodeRow(ref BitWriter writer, int[] coding, int[] reference, int width)
    {
        int a0 = -1;
        int color = 0;
        int i = 0;
        int j = 0;
        while (true)
        {
            while (coding[i] <= a0)
            {
                i++;
            }

            while (reference[j] <= a0)
            {
                j++;
            }

            int a1 = coding[i];
            int k = ((j & 1) != color) ? j + 1 : j; // b1: the first change past a0 to the colour opposite a0's
            int b1 = reference[k];
            int b2 = reference[k + 1];
            if (b2 < a1)
            {
                writer.Put(CcittCodes.Pass, CcittCodes.PassBits);
                a0 = b2;
            }
            else
            {
                int d = b1 - a1;
                if (d >= -3 && d <= 3)
                {
                    int code = CcittCodes.Vertical[d + 3];
                    writer.Put(code & 0xFF, code >> 8);
                    a0 = a1;
                    color ^= 1;
                }
                else
                {
                    int a2 = coding[i + 1];
                    int start = a0 < 0 ? 0 : a0;
                    writer.Put(CcittCodes.Horizontal, CcittCodes.HorizontalBits);
                    if (color == 0)
                    {
                        PutRun(ref writer, a1 - start, CcittCodes.WhiteEncode);
                        PutRun(ref writer, a2 - a1, CcittCodes.BlackEncode);
                    }
                    else
                    {
                        PutRun(ref writer, a1 - start, CcittCodes.BlackEncode);
                        PutRun(ref writer, a2 - a1, CcittCodes.WhiteEncode);
                    }

                    a0 = a2;
                }
            }

            if (a0 >= width)
            {
                return;
            }
        }
    }

    // libtiff's putspan: 2560-pixel make-ups while the run is at least 2624, one more make-up of 64 * (run / 64)
    // when it is at least 64, then the terminating code.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRun(ref BitWriter writer, int run, int[] table)
    {
        while (run >= 2624)
        {
            int code = table[63 + (2560 >> 6)];
            writer.Put(code & 0xFFFF, code >> 16);
            run -= 2560;
        }

        if (run >= 64)
        {
            int code = table[63 + (run >> 6)];
            writer.Put(code & 0xFFFF, code >> 16);
            run &= 63;
        }

        int terminating = table[run];
        writer.Put(terminating & 0xFFFF, terminating >> 16);
    }

    // MSB-first bit packer over a buffer writer; bytes go out in spans of a few kilobytes.
    private ref struct BitWriter
    {
        private const int Chunk = 4096;
        private readonly IBufferWriter<byte> _output;
        private Span<byte> _span;
        private int _position;
        private ulong _bits;
        private int _count;

        public BitWriter(IBufferWriter<byte> output)
        {
            _output = output;
            _span = output.GetSpan(Chunk);
            _position = 0;
            _bits = 0;
            _count = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int code, int length)
        {
            _bits = (_bits << length) | (uint)code;
            _count += length;
            if (_count >= 32)
            {
                Drain();
            }
        }

        public void Flush()
        {
            Drain();
            if (_count > 0)
            {
                Ensure(1);
                _span[_position++] = (byte)(_bits << (8 - _count)); // zero padding to the byte, as libtiff pads
                _count = 0;
            }

            _output.Advance(_position);
            _position = 0;
        }

        private void Drain()
        {
            Ensure(8);
            while (_count >= 8)
            {
                _count -= 8;
                _span[_position++] = (byte)(_bits >> _count);
            }
        }

        private void Ensure(int bytes)
        {
            if (_position + bytes > _span.Length)
            {
                _output.Advance(_position);
                _position = 0;
                _span = _output.GetSpan(Chunk);
            }
        }
    }
}
