using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Imaging;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// Writes a <see cref="BitImage"/> in the RLE format, byte-identical to the textbook encoder.
/// </summary>
/// <remarks>
/// Runs are found a 64-bit word at a time: the word is XORed with the current run's value, so the next change is
/// the first set bit, found with one leading-zero count. The cost is one step per run plus one per word, never one
/// per pixel, and nothing is allocated beyond the output.
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

        int written = 0;
        int chunkEnd = RleFormat.ChunkPixels;
        int x = 0;
        while (x < width)
        {
            bool white = (row[x >> 6] & BitImage.BitFor(x)) != 0;
            int end = NextChange(row, x, width, white);
            byte flag = white ? RleFormat.WhiteFlag : (byte)0;

            // Cut the run at every chunk boundary it crosses; each piece is then at most 127 long.
            while (x < end)
            {
                int pieceEnd = Math.Min(end, chunkEnd);
                destination[written++] = (byte)(flag | (pieceEnd - x));
                x = pieceEnd;
                if (x == chunkEnd)
                {
                    chunkEnd += RleFormat.ChunkPixels;
                }
            }
        }

        return written;
    }

    // The first position after x whose pixel differs from `white`, or width.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextChange(ReadOnlySpan<ulong> row, int x, int width, bool white)
    {
        ulong flip = white ? ulong.MaxValue : 0UL;
        int i = x >> 6;

        // Bits before x are shifted out; a set bit in `diff` is a pixel that differs from the run's value.
        ulong diff = (row[i] ^ flip) << (x & 63);
        if (diff != 0)
        {
            return Math.Min(x + BitOperations.LeadingZeroCount(diff), width);
        }

        for (i++; i < row.Length; i++)
        {
            diff = row[i] ^ flip;
            if (diff != 0)
            {
                // Padding bits are zero, so a white run "changes" at the padding: the Min clamps it to the width.
                return Math.Min((i << 6) + BitOperations.LeadingZeroCount(diff), width);
            }
        }

        return width;
    }

    // A first guess at the output size, to spare the writer a few regrowths; correctness does not depend on it.
    private static int EstimateLength(BitImage image) =>
        (int)Math.Min(RleFormat.HeaderSize + (image.PixelCount / 8), 1 << 24);
}
