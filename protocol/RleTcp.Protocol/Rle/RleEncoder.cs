using System.Buffers;
using System.Buffers.Binary;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// Writes a <see cref="BitImage"/> in the RLE format, byte-identical to the textbook encoder.
/// </summary>
/// <remarks>
/// Runs are found a 64-bit word at a time: XORing a word with itself shifted by one pixel marks every pixel that
/// differs from its left neighbour, the chunk starts (multiples of 127) are ORed in, and every marked pixel ends one
/// run, i.e. writes one byte. How the marked pixels become bytes depends on the CPU, chosen once
/// (<see cref="Path"/>): AVX-512 VBMI2 compresses a word's 64 positions into a vector (RleEncoder.Avx512.cs), the
/// scalar loop takes one leading-zero count per run (RleEncoder.Scalar.cs); an AVX2 path was tried and removed (see
/// RleEncoderPath.cs). All paths write the same bytes and allocate nothing beyond the output.
/// </remarks>
public static partial class RleEncoder
{
    /// <summary>The most bytes an image of this size can encode to: the header plus one byte per pixel.</summary>
    public static long MaxEncodedLength(int width, int height) => RleFormat.HeaderSize + ((long)width * height);

    /// <summary>The most bytes one row of <paramref name="width"/> pixels can encode to.</summary>
    public static int MaxRowLength(int width) => width;

    /// <summary>Encodes the whole image into a new array of exactly the encoded length.</summary>
    public static byte[] Encode(BitImage image) => Encode(image, Path);

    /// <summary>Encodes the whole image with the given row encoder (tests run every path the CPU has).</summary>
    internal static byte[] Encode(BitImage image, RleEncoderPath path)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new ArrayPoolBufferWriter<byte>(EstimateLength(image));
        Encode(image, buffer, path);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes the whole image (header and rows) to <paramref name="output"/>.</summary>
    public static void Encode(BitImage image, IBufferWriter<byte> output) => Encode(image, output, Path);

    /// <summary><see cref="Encode(BitImage, IBufferWriter{byte})"/> with the given row encoder.</summary>
    internal static void Encode(BitImage image, IBufferWriter<byte> output, RleEncoderPath path)
    {
        ArgumentNullException.ThrowIfNull(image);
        WriteHeader(image.Width, image.Height, output);
        EncodeRows(image, 0, image.Height, output, path);
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
    public static void EncodeRows(BitImage image, int firstRow, int rowCount, IBufferWriter<byte> output) =>
        EncodeRows(image, firstRow, rowCount, output, Path);

    /// <summary><see cref="EncodeRows(BitImage, int, int, IBufferWriter{byte})"/> with the given row encoder.</summary>
    internal static void EncodeRows(BitImage image, int firstRow, int rowCount, IBufferWriter<byte> output, RleEncoderPath path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if (firstRow < 0 || rowCount < 0 || firstRow > image.Height - rowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), "The rows are outside the image.");
        }

        int width = image.Width;
        int wordsPerRow = image.WordsPerRow;
        int end = firstRow + rowCount;
        for (int y = firstRow; y < end;)
        {
            Span<byte> destination = output.GetSpan(MaxRowLength(width));
            ReadOnlySpan<ulong> rows = image.Words[(y * wordsPerRow)..(end * wordsPerRow)];
            output.Advance(EncodeRows(rows, width, destination, path, out int encoded));
            y += encoded;
        }
    }

    /// <summary>
    /// Encodes one row of packed words (see <see cref="BitImage"/> for the layout) into <paramref name="destination"/>,
    /// which must hold <see cref="MaxRowLength"/> bytes. Returns the number of bytes written.
    /// </summary>
    public static int EncodeRow(ReadOnlySpan<ulong> row, int width, Span<byte> destination) =>
        EncodeRow(row, width, destination, Path);

    /// <summary><see cref="EncodeRow(ReadOnlySpan{ulong}, int, Span{byte})"/> with the given row encoder.</summary>
    internal static int EncodeRow(ReadOnlySpan<ulong> row, int width, Span<byte> destination, RleEncoderPath path)
    {
        if (row.Length != BitImage.WordsFor(width))
        {
            throw new ArgumentException("The row does not match the width.", nameof(row));
        }

        return EncodeRows(row, width, destination, path, out _);
    }

    // Encodes one or more of the whole rows in rows, as many as the path takes at once (the VBMI2 path: while the
    // destination holds another row's worst case; scalar: one). Returns the bytes written.
    private static int EncodeRows(ReadOnlySpan<ulong> rows, int width, Span<byte> destination, RleEncoderPath path, out int rowCount)
    {
        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"This CPU cannot run the {path} RLE encoder.");
        }

        if (destination.Length < MaxRowLength(width))
        {
            throw new ArgumentException("The destination is shorter than the longest possible row.", nameof(destination));
        }

        if (path == RleEncoderPath.Avx512Vbmi2)
        {
            return EncodeRowsAvx512(rows, width, destination, out rowCount);
        }

        rowCount = 1;
        return EncodeRowScalar(rows[..BitImage.WordsFor(width)], width, destination);
    }

    // A first guess at the output size, to spare the writer a few regrowths; correctness does not depend on it.
    private static int EstimateLength(BitImage image) =>
        (int)Math.Min(RleFormat.HeaderSize + (image.PixelCount / 8), 1 << 24);
}
