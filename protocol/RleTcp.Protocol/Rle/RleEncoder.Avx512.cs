using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// The AVX-512 VBMI2 row encoder: boundary masks for 8 words (512 pixels) at once; the mask bytes that hold run ends
/// compressed to the front with <c>VPCOMPRESSB</c>; each 8 of them spread to one byte per pixel (colour of the pixel
/// left of it, position mod 128) and compressed again to the run ends alone; every run length the difference of
/// neighbouring ends: 64 output bytes stored at once, with no branch per run.
/// </summary>
/// <remarks>
/// The constants are RVA data (<c>ReadOnlySpan</c> properties) and the loop calls nothing, so every vector stays in a
/// register: a call would make the JIT spill them all (every vector register is caller-saved). No vector lives on the
/// stack (the last block is a masked load, the end of the destination a masked store): a 64-byte stack slot's cost
/// depended on the caller's stack depth. The encoder is never inlined: inlined into a caller at tier 1 (the checking
/// <c>EncodeRow</c>, or a caller's chain that took it in) the same loop ran 2.5-3x slower (docs/PERFORMANCE.md,
/// issue 14 round 4). It encodes rows back to back, so a band costs one call per buffer span, not per row.
/// </remarks>
public static partial class RleEncoder
{
    // Chunk starts (multiples of 127, 0 included) as MSB-first boundary bits of word i; the pattern repeats every
    // 127 words (127 x 64 pixels = 64 chunks), and 7 more entries let 8 words load from any offset.
    private static readonly ulong[] ChunkStartWords = MakeChunkStartWords();

    // Byte b of a block's pixel-order vector is byte 7 - b%8 of word b/8 (pixels 8b..8b+7, MSB first).
    private static ReadOnlySpan<byte> PixelOrder =>
    [
        7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8,
        23, 22, 21, 20, 19, 18, 17, 16, 31, 30, 29, 28, 27, 26, 25, 24,
        39, 38, 37, 36, 35, 34, 33, 32, 47, 46, 45, 44, 43, 42, 41, 40,
        55, 54, 53, 52, 51, 50, 49, 48, 63, 62, 61, 60, 59, 58, 57, 56,
    ];

    // The first pixel of pixel-order byte b, mod 128 (a block starts at a multiple of 512 pixels).
    private static ReadOnlySpan<byte> ByteFirstPixel =>
    [
        0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
        0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
        0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
        0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
    ];

    // Byte j of a group's spread reads compressed byte j/8 ...
    private static ReadOnlySpan<byte> GroupSpread =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
        2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
        4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
        6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7,
    ];

    // ... and this bit of it, pixel j%8 of that byte.
    private static ReadOnlySpan<byte> PixelBit =>
    [
        128, 64, 32, 16, 8, 4, 2, 1, 128, 64, 32, 16, 8, 4, 2, 1,
        128, 64, 32, 16, 8, 4, 2, 1, 128, 64, 32, 16, 8, 4, 2, 1,
        128, 64, 32, 16, 8, 4, 2, 1, 128, 64, 32, 16, 8, 4, 2, 1,
        128, 64, 32, 16, 8, 4, 2, 1, 128, 64, 32, 16, 8, 4, 2, 1,
    ];

    // The pixel's offset in its byte.
    private static ReadOnlySpan<byte> PixelOffset =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7,
        0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7,
        0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7,
        0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7,
    ];

    // Element 0 from the second operand (the previous run end), element j from element j - 1 of the first.
    private static ReadOnlySpan<byte> PreviousIndex =>
    [
        64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46,
        47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62,
    ];

    // Encodes rows back to back (rows: whole rows of packed words; the caller checked them and that the destination
    // holds one row's worst case) for as long as the rest of the destination holds another row's worst case. Returns
    // the bytes written; rowCount: the rows encoded, at least one. NoInlining: see the remarks above.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int EncodeRowsAvx512(ReadOnlySpan<ulong> rows, int width, Span<byte> destination, out int rowCount)
    {
        ref byte output = ref MemoryMarshal.GetReference(destination);
        int capacity = destination.Length;
        int wordsPerRow = BitImage.WordsFor(width);
        int rowTotal = rows.Length / wordsPerRow;
        int last = wordsPerRow - 1;

        // The block holding a row's last word is loaded with its lanes after the last word masked to zero (a masked
        // load reads nothing there, so it may end the image). Those lanes hold no pixels, and the padding is zero, so
        // a white last pixel looks like a change at the width: neither is a boundary.
        int lastBlock = last & ~7;
        Vector512<ulong> lane = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> lastLane = Vector512.Create((ulong)(last - lastBlock));
        Vector512<ulong> inRow = Vector512.LessThanOrEqual(lane, lastLane);
        Vector512<ulong> tailMask = Vector512.LessThan(lane, lastLane)
            | (Vector512.Equals(lane, lastLane) & Vector512.Create(BitImage.LastWordMaskFor(width)));
        int lastShift = 63 - ((width - 1) & 63);
        ref ulong chunks = ref MemoryMarshal.GetArrayDataReference(ChunkStartWords);
        int written = 0;
        int y = 0;
        do
        {
            ref ulong words = ref Unsafe.Add(ref MemoryMarshal.GetReference(rows), y * wordsPerRow);
            var state = new RunState { Start = 0, Written = written, LastEnd = Vector512<byte>.Zero };

            // Lane 7 of the block before the first: its low bit is pixel 0, so pixel 0 is no colour change; nor is it
            // a chunk start (the table marks every multiple of 127, 0 included).
            Vector512<ulong> previous = Vector512.Create(words >> 63);
            Vector512<ulong> firstMask = ~Vector512.CreateScalar(0x8000_0000_0000_0000UL);
            int chunk = 0; // block % 127
            for (int block = 0; block < lastBlock; block += 8)
            {
                Vector512<ulong> w = Vector512.LoadUnsafe(ref words, (nuint)block);
                EncodeBlock(w, ref previous, Vector512.LoadUnsafe(ref chunks, (nuint)chunk), firstMask, block, ref output, capacity, ref state);
                firstMask = Vector512<ulong>.AllBitsSet;
                chunk = chunk >= RleFormat.ChunkPixels - 8 ? chunk + 8 - RleFormat.ChunkPixels : chunk + 8;
            }

            Vector512<ulong> lastWords = LoadLanes(ref Unsafe.Add(ref words, lastBlock), inRow);
            EncodeBlock(lastWords, ref previous, Vector512.LoadUnsafe(ref chunks, (nuint)chunk), firstMask & tailMask, lastBlock, ref output, capacity, ref state);

            // The last run ends at the row's end; the chunk starts guarantee it is at most 127 long.
            int color = (int)(Unsafe.Add(ref words, last) >> lastShift) & 1;
            Unsafe.Add(ref output, state.Written++) = (byte)((color << 7) | (width - state.Start));
            written = state.Written;
            y++;
        }
        while (y < rowTotal && capacity - written >= width);

        rowCount = y;
        return written;
    }

    // One block of 8 words (512 pixels). chunks: the chunk starts of these words; keep: zero for the bits that are
    // no boundary whatever the pixels (pixel 0, the padding, lanes past the row). The block's boundary bytes that
    // are not zero (8 pixels each) are compressed to the front, and each 8 of them (at most 64 run ends) are spread
    // to one byte per pixel and compressed again: the cost follows the bytes that hold run ends, not the words.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EncodeBlock(
        Vector512<ulong> w, ref Vector512<ulong> previous, Vector512<ulong> chunks, Vector512<ulong> keep, int block,
        ref byte output, int capacity, ref RunState state)
    {
        // left: each pixel's left neighbour; a boundary is a pixel that differs from it, or a chunk start.
        Vector512<ulong> left = (w >> 1) | (Avx512F.AlignRight64(w, previous, 7) << 63);
        previous = w;
        Vector512<ulong> boundaries = ((w ^ left) | chunks) & keep;
        Vector512<byte> pixelOrder = Vector512.Create(PixelOrder);
        Vector512<byte> ends8 = Avx512Vbmi.PermuteVar64x8(boundaries.AsByte(), pixelOrder);
        Vector512<byte> busy = ~Vector512.Equals(ends8, Vector512<byte>.Zero);
        ulong busyBytes = busy.ExtractMostSignificantBits();
        if (busyBytes == 0)
        {
            return;
        }

        Vector512<byte> endBytes = Avx512Vbmi2.Compress(Vector512<byte>.Zero, busy, ends8);
        Vector512<byte> leftBytes = Avx512Vbmi2.Compress(
            Vector512<byte>.Zero, busy, Avx512Vbmi.PermuteVar64x8(left.AsByte(), pixelOrder));
        Vector512<byte> firstPixels = Avx512Vbmi2.Compress(Vector512<byte>.Zero, busy, Vector512.Create(ByteFirstPixel));
        Vector512<byte> groupSpread = Vector512.Create(GroupSpread);
        Vector512<byte> pixelBit = Vector512.Create(PixelBit);
        Vector512<byte> top = Vector512.Create((byte)0x80);
        int groups = BitOperations.PopCount(busyBytes);
        ulong pixels = 0;
        for (int g = 0; g < groups; g += 8)
        {
            // Spread 8 compressed bytes to one byte per pixel: which pixels end a run, and the colour of the run
            // each ends (its left neighbour) in the top bit of the pixel's position.
            Vector512<byte> spread = groupSpread + Vector512.Create((byte)g);
            Vector512<byte> ends = ~Vector512.Equals(Avx512Vbmi.PermuteVar64x8(endBytes, spread) & pixelBit, Vector512<byte>.Zero);
            Vector512<byte> colours = ~Vector512.Equals(Avx512Vbmi.PermuteVar64x8(leftBytes, spread) & pixelBit, Vector512<byte>.Zero);
            Vector512<byte> marked = (Avx512Vbmi.PermuteVar64x8(firstPixels, spread) + Vector512.Create(PixelOffset)) | (colours & top);
            Vector512<byte> packed = Avx512Vbmi2.Compress(Vector512<byte>.Zero, ends, marked);

            // A run's length is its end minus the previous end (mod 128: a run is 1..127 long).
            Vector512<byte> before = Avx512Vbmi.PermuteVar64x8x2(packed, Vector512.Create(PreviousIndex), state.LastEnd);
            Vector512<byte> runs = (packed & top) | ((packed - before) & Vector512.Create((byte)0x7F));
            pixels = ends.ExtractMostSignificantBits(); // bit j: pixel j of the group ends a run
            int count = BitOperations.PopCount(pixels);
            if (state.Written + 64 <= capacity)
            {
                runs.StoreUnsafe(ref output, (nuint)state.Written);
            }
            else
            {
                StoreFirst(runs, count, ref Unsafe.Add(ref output, state.Written));
            }

            state.Written += count;
            state.LastEnd = Avx512Vbmi.PermuteVar64x8(packed, Vector512.Create((byte)(count - 1)));
        }

        // The block's last run end: in its last busy byte, at the last group's last end.
        int lastByte = 63 - BitOperations.LeadingZeroCount(busyBytes);
        int lastBit = 63 - BitOperations.LeadingZeroCount(pixels);
        state.Start = (block << 6) + (lastByte << 3) + (lastBit & 7);
    }

    // The lanes of 8 words that are set in lanes, zero in the others, which are not read.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<ulong> LoadLanes(ref ulong source, Vector512<ulong> lanes)
    {
        fixed (ulong* p = &source)
        {
            return Avx512F.MaskLoad(p, lanes, Vector512<ulong>.Zero);
        }
    }

    // Near the destination's end: only the first count bytes, with a masked store (no 64-byte buffer on the stack,
    // which the JIT zeroed once per block).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreFirst(Vector512<byte> bytes, int count, ref byte destination)
    {
        fixed (byte* p = &destination)
        {
            Avx512BW.MaskStore(p, Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)count)), bytes);
        }
    }

    private static ulong[] MakeChunkStartWords()
    {
        var words = new ulong[RleFormat.ChunkPixels + 7];
        for (int i = 0; i < words.Length; i++)
        {
            for (int bit = 0; bit < 64; bit++)
            {
                if (((i * 64) + bit) % RleFormat.ChunkPixels == 0)
                {
                    words[i] |= 0x8000_0000_0000_0000UL >> bit;
                }
            }
        }

        return words;
    }

    private struct RunState
    {
        public int Start; // the current run's first pixel
        public int Written;
        public Vector512<byte> LastEnd; // the last run end so far, mod 128, in every byte
    }
}
