using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// Writes a <see cref="BitImage"/> in the RLE format, byte-identical to the textbook encoder.
/// </summary>
/// <remarks>
/// Runs are found a 64-bit word at a time: XORing a word with itself shifted by one pixel marks every pixel that
/// differs from its left neighbour, the chunk starts (multiples of 127) are ORed in, and each marked bit, found
/// with one leading-zero count, writes one byte. The cost is one step per run plus one per word, never one per
/// pixel, and nothing is allocated beyond the output.
/// </remarks>
public static class RleEncoder
{
    /// <summary>The most bytes an image of this size can encode to: the header plus one byte per pixel.</summary>
    public static long MaxEncodedLength(int width, int height) => RleFormat.HeaderSize + ((long)width * height);

    /// <summary>The most bytes one row of <paramref name="width"/> pixels can encode to.</summary>
    public static int MaxRowLength(int width) => width;

    /// <summary>Encodes the whole image into a new array of exactly the encoded length.</summary>
    public static byte[] Encode(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new ArrayPoolBufferWriter<byte>(EstimateLength(image));
        Encode(image, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes the whole image (header and rows) to <paramref name="output"/>.</summary>
    public static void Encode(BitImage image, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(image);
        WriteHeader(image.Width, image.Height, output);
        EncodeRows(image, 0, image.Height, output);
    }

    /// <summary>Writes the 4-byte header: u16 little-endian width, then height.</summary>
    public static void WriteHeader(int width, int height, IBufferWriter<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, BitImage.MaxDimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, BitImage.MaxDimension);
        Span<byte> header = output.GetSpan(RleFormat.HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)height);
        output.Advance(RleFormat.HeaderSize);
    }

    /// <summary>
    /// Encodes rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="rowCount"/> - 1
    /// without a header. Bands encoded separately and concatenated in order equal the whole image's rows.
    /// </summary>
    public static void EncodeRows(BitImage image, int firstRow, int rowCount, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if (firstRow < 0 || rowCount < 0 || firstRow > image.Height - rowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), "The rows are outside the image.");
        }

        int width = image.Width;
        for (int y = firstRow; y < firstRow + rowCount; y++)
        {
            Span<byte> destination = output.GetSpan(MaxRowLength(width));
            output.Advance(EncodeRow(image.Row(y), width, destination));
        }
    }

    /// <summary>
    /// Encodes one row of packed words (see <see cref="BitImage"/> for the layout) into <paramref name="destination"/>,
    /// which must hold <see cref="MaxRowLength"/> bytes. Returns the number of bytes written.
    /// </summary>
    public static int EncodeRow(ReadOnlySpan<ulong> row, int width, Span<byte> destination)
    {
        if (row.Length != BitImage.WordsFor(width))
        {
            throw new ArgumentException("The row does not match the width.", nameof(row));
        }

        if (destination.Length < MaxRowLength(width))
        {
            throw new ArgumentException("The destination is shorter than the longest possible row.", nameof(destination));
        }

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

    // A first guess at the output size, to spare the writer a few regrowths; correctness does not depend on it.
    private static int EstimateLength(BitImage image) =>
        (int)Math.Min(RleFormat.HeaderSize + (image.PixelCount / 8), 1 << 24);
}
