using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// The AVX2 row encoder, for CPUs without AVX-512 VBMI2: the boundary mask of a word as in the scalar path, then the
/// run ends of every word that has any without a branch per run: a table gives the set bits' offsets of each of its
/// 8 bytes (8 bytes written, advanced by the byte's popcount), BMI2 <c>PEXT</c>/<c>PDEP</c> give the runs' colours,
/// and the lengths are the differences of neighbouring ends, 32 at a time.
/// </summary>
public static partial class RleEncoder
{
    internal static int EncodeRowAvx2(ReadOnlySpan<ulong> row, int width, Span<byte> destination)
    {
        ref byte output = ref MemoryMarshal.GetReference(destination);
        ref ulong offsets = ref MemoryMarshal.GetReference(ByteBitOffsets);
        int capacity = destination.Length;
        int written = 0;
        int start = 0;
        ulong carry = row[0] >> 63; // the pixel left of the current word (pixel 0 itself for the first word)
        int nextChunk = RleFormat.ChunkPixels;
        int last = row.Length - 1;
        RunEnds ends = default;       // [0]: the previous run end; then this word's run ends (mod 128)
        RunColours colours = default; // this word's runs' colours, in the top bit
        for (int i = 0; i <= last; i++)
        {
            ulong word = row[i];
            ulong left = (word >> 1) | (carry << 63);
            ulong boundaries = word ^ left;
            carry = word & 1;
            int wordStart = i << 6;
            int chunkOffset = nextChunk - wordStart;
            if (chunkOffset < 64)
            {
                boundaries |= 0x8000_0000_0000_0000UL >> chunkOffset;
                nextChunk += RleFormat.ChunkPixels;
            }

            if (i == last)
            {
                boundaries &= BitImage.LastWordMaskFor(width);
            }

            if (boundaries == 0)
            {
                continue;
            }

            // Run ends: each byte of the mask (MSB first) writes its set bits' pixel offsets, plus the byte's first
            // pixel (mod 128, so no byte carries into the next), and advances by its count.
            ends[0] = (byte)start;
            int filled = 1;
            for (int q = 0; q < 8; q++)
            {
                int bits = (int)(boundaries >> (56 - (8 * q))) & 0xFF;
                ulong at = (ulong)((wordStart + (8 * q)) & 127) * 0x0101_0101_0101_0101UL;
                Unsafe.WriteUnaligned(ref ends[filled], Unsafe.Add(ref offsets, bits) + at);
                filled += BitOperations.PopCount((uint)bits);
            }

            // Colours: the left neighbour of every run end, gathered (PEXT collects from the low bit, i.e. the last
            // pixel first), shifted so the first run is the top bit, and spread to the top bit of one byte per run.
            int count = filled - 1;
            ulong ordered = Bmi2.X64.ParallelBitExtract(left, boundaries) << (64 - count);
            for (int g = 0; g < count; g += 8)
            {
                ulong eight = Bmi2.X64.ParallelBitDeposit((ordered >> (56 - g)) & 0xFF, 0x8080_8080_8080_8080UL);
                Unsafe.WriteUnaligned(ref colours[g], BinaryPrimitives.ReverseEndianness(eight));
            }

            // Lengths: each end minus the previous one, mod 128 (a run is 1..127 long), 32 runs at a time.
            for (int r = 0; r < count; r += 32)
            {
                Vector256<byte> end = Vector256.LoadUnsafe(ref ends[1 + r]);
                Vector256<byte> before = Vector256.LoadUnsafe(ref ends[r]);
                Vector256<byte> runs = Vector256.LoadUnsafe(ref colours[r])
                    | ((end - before) & Vector256.Create((byte)0x7F));
                if (written + r + 32 <= capacity)
                {
                    runs.StoreUnsafe(ref output, (nuint)(written + r));
                }
                else
                {
                    for (int j = 0; j < Math.Min(32, count - r); j++)
                    {
                        Unsafe.Add(ref output, written + r + j) = runs.GetElement(j);
                    }
                }
            }

            written += count;
            start = wordStart + 63 - BitOperations.TrailingZeroCount(boundaries);
        }

        int color = (int)(row[last] >> (63 - ((width - 1) & 63))) & 1;
        Unsafe.Add(ref output, written++) = (byte)((color << 7) | (width - start));
        return written;
    }

    // For each byte value (bit 7 = the byte's first pixel), the offsets 0..7 of its set bits in pixel order, one
    // per byte from the low byte (little-endian ulongs).
    private static ReadOnlySpan<ulong> ByteBitOffsets =>
    [
        0x0000000000000000, 0x0000000000000007, 0x0000000000000006, 0x0000000000000706,
        0x0000000000000005, 0x0000000000000705, 0x0000000000000605, 0x0000000000070605,
        0x0000000000000004, 0x0000000000000704, 0x0000000000000604, 0x0000000000070604,
        0x0000000000000504, 0x0000000000070504, 0x0000000000060504, 0x0000000007060504,
        0x0000000000000003, 0x0000000000000703, 0x0000000000000603, 0x0000000000070603,
        0x0000000000000503, 0x0000000000070503, 0x0000000000060503, 0x0000000007060503,
        0x0000000000000403, 0x0000000000070403, 0x0000000000060403, 0x0000000007060403,
        0x0000000000050403, 0x0000000007050403, 0x0000000006050403, 0x0000000706050403,
        0x0000000000000002, 0x0000000000000702, 0x0000000000000602, 0x0000000000070602,
        0x0000000000000502, 0x0000000000070502, 0x0000000000060502, 0x0000000007060502,
        0x0000000000000402, 0x0000000000070402, 0x0000000000060402, 0x0000000007060402,
        0x0000000000050402, 0x0000000007050402, 0x0000000006050402, 0x0000000706050402,
        0x0000000000000302, 0x0000000000070302, 0x0000000000060302, 0x0000000007060302,
        0x0000000000050302, 0x0000000007050302, 0x0000000006050302, 0x0000000706050302,
        0x0000000000040302, 0x0000000007040302, 0x0000000006040302, 0x0000000706040302,
        0x0000000005040302, 0x0000000705040302, 0x0000000605040302, 0x0000070605040302,
        0x0000000000000001, 0x0000000000000701, 0x0000000000000601, 0x0000000000070601,
        0x0000000000000501, 0x0000000000070501, 0x0000000000060501, 0x0000000007060501,
        0x0000000000000401, 0x0000000000070401, 0x0000000000060401, 0x0000000007060401,
        0x0000000000050401, 0x0000000007050401, 0x0000000006050401, 0x0000000706050401,
        0x0000000000000301, 0x0000000000070301, 0x0000000000060301, 0x0000000007060301,
        0x0000000000050301, 0x0000000007050301, 0x0000000006050301, 0x0000000706050301,
        0x0000000000040301, 0x0000000007040301, 0x0000000006040301, 0x0000000706040301,
        0x0000000005040301, 0x0000000705040301, 0x0000000605040301, 0x0000070605040301,
        0x0000000000000201, 0x0000000000070201, 0x0000000000060201, 0x0000000007060201,
        0x0000000000050201, 0x0000000007050201, 0x0000000006050201, 0x0000000706050201,
        0x0000000000040201, 0x0000000007040201, 0x0000000006040201, 0x0000000706040201,
        0x0000000005040201, 0x0000000705040201, 0x0000000605040201, 0x0000070605040201,
        0x0000000000030201, 0x0000000007030201, 0x0000000006030201, 0x0000000706030201,
        0x0000000005030201, 0x0000000705030201, 0x0000000605030201, 0x0000070605030201,
        0x0000000004030201, 0x0000000704030201, 0x0000000604030201, 0x0000070604030201,
        0x0000000504030201, 0x0000070504030201, 0x0000060504030201, 0x0007060504030201,
        0x0000000000000000, 0x0000000000000700, 0x0000000000000600, 0x0000000000070600,
        0x0000000000000500, 0x0000000000070500, 0x0000000000060500, 0x0000000007060500,
        0x0000000000000400, 0x0000000000070400, 0x0000000000060400, 0x0000000007060400,
        0x0000000000050400, 0x0000000007050400, 0x0000000006050400, 0x0000000706050400,
        0x0000000000000300, 0x0000000000070300, 0x0000000000060300, 0x0000000007060300,
        0x0000000000050300, 0x0000000007050300, 0x0000000006050300, 0x0000000706050300,
        0x0000000000040300, 0x0000000007040300, 0x0000000006040300, 0x0000000706040300,
        0x0000000005040300, 0x0000000705040300, 0x0000000605040300, 0x0000070605040300,
        0x0000000000000200, 0x0000000000070200, 0x0000000000060200, 0x0000000007060200,
        0x0000000000050200, 0x0000000007050200, 0x0000000006050200, 0x0000000706050200,
        0x0000000000040200, 0x0000000007040200, 0x0000000006040200, 0x0000000706040200,
        0x0000000005040200, 0x0000000705040200, 0x0000000605040200, 0x0000070605040200,
        0x0000000000030200, 0x0000000007030200, 0x0000000006030200, 0x0000000706030200,
        0x0000000005030200, 0x0000000705030200, 0x0000000605030200, 0x0000070605030200,
        0x0000000004030200, 0x0000000704030200, 0x0000000604030200, 0x0000070604030200,
        0x0000000504030200, 0x0000070504030200, 0x0000060504030200, 0x0007060504030200,
        0x0000000000000100, 0x0000000000070100, 0x0000000000060100, 0x0000000007060100,
        0x0000000000050100, 0x0000000007050100, 0x0000000006050100, 0x0000000706050100,
        0x0000000000040100, 0x0000000007040100, 0x0000000006040100, 0x0000000706040100,
        0x0000000005040100, 0x0000000705040100, 0x0000000605040100, 0x0000070605040100,
        0x0000000000030100, 0x0000000007030100, 0x0000000006030100, 0x0000000706030100,
        0x0000000005030100, 0x0000000705030100, 0x0000000605030100, 0x0000070605030100,
        0x0000000004030100, 0x0000000704030100, 0x0000000604030100, 0x0000070604030100,
        0x0000000504030100, 0x0000070504030100, 0x0000060504030100, 0x0007060504030100,
        0x0000000000020100, 0x0000000007020100, 0x0000000006020100, 0x0000000706020100,
        0x0000000005020100, 0x0000000705020100, 0x0000000605020100, 0x0000070605020100,
        0x0000000004020100, 0x0000000704020100, 0x0000000604020100, 0x0000070604020100,
        0x0000000504020100, 0x0000070504020100, 0x0000060504020100, 0x0007060504020100,
        0x0000000003020100, 0x0000000703020100, 0x0000000603020100, 0x0000070603020100,
        0x0000000503020100, 0x0000070503020100, 0x0000060503020100, 0x0007060503020100,
        0x0000000403020100, 0x0000070403020100, 0x0000060403020100, 0x0007060403020100,
        0x0000050403020100, 0x0007050403020100, 0x0006050403020100, 0x0706050403020100,
    ];

    [InlineArray(1 + 64 + 8 + 32)]
    private struct RunEnds
    {
        private byte _byte;
    }

    [InlineArray(64 + 32)]
    private struct RunColours
    {
        private byte _byte;
    }
}
