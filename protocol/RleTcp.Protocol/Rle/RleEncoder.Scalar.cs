using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>The scalar row encoder: every CPU, and the reference the vector paths are tested against.</summary>
public static partial class RleEncoder
{
    // The caller has checked the row and the destination (EncodeRow).
    internal static int EncodeRowScalar(ReadOnlySpan<ulong> row, int width, Span<byte> destination)
    {
        // Every run ends at a boundary: a pixel that differs from its left neighbour, or a chunk start (a multiple
        // of 127). Both kinds are made into one mask per word, and each set bit, found with one leading-zero count,
        // writes exactly one byte. The only data-dependent branch is the loop over a word's set bits; a run of any
        // length costs one iteration, and the colour of the next run is simply the pixel at the boundary.
        ref byte output = ref MemoryMarshal.GetReference(destination);
        int written = 0;
        int start = 0;
        ulong color = row[0] >> 63;
        ulong carry = color; // the pixel left of the current word (pixel 0 itself for the first word: no boundary)
        int nextChunk = RleFormat.ChunkPixels;
        int last = row.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            ulong word = row[i];
            ulong boundaries = word ^ ((word >> 1) | (carry << 63));
            carry = word & 1;

            // A word spans 64 < 127 pixels, so it holds at most one chunk start.
            int wordStart = i << 6;
            int chunkOffset = nextChunk - wordStart;
            if (chunkOffset < 64)
            {
                boundaries |= 0x8000_0000_0000_0000UL >> chunkOffset;
                nextChunk += RleFormat.ChunkPixels;
            }

            if (i == last)
            {
                // The padding is zero, so a white last pixel looks like a change at the width: not a boundary.
                boundaries &= BitImage.LastWordMaskFor(width);
            }

            while (boundaries != 0)
            {
                int bit = BitOperations.LeadingZeroCount(boundaries);
                int x = wordStart + bit;
                Unsafe.Add(ref output, written++) = (byte)((int)(color << 7) | (x - start));
                color = (word >> (63 - bit)) & 1;
                start = x;
                boundaries ^= 0x8000_0000_0000_0000UL >> bit;
            }
        }

        // The last run ends at the row's end; the chunk starts guarantee it is at most 127 long.
        Unsafe.Add(ref output, written++) = (byte)((int)(color << 7) | (width - start));
        return written;
    }
}
