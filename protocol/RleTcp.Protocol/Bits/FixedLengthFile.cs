using System.Buffers;

namespace RleTcp.Protocol.Bits;

/// <summary>
/// The two ways out of a file whose length follows from the image alone (BMP, TIFF): a fresh array, or one span of
/// a buffer writer (the server's pooled answer buffer), so the writer's code is the same for both.
/// </summary>
internal static class FixedLengthFile
{
    /// <summary>Writes every byte of the file into <paramref name="file"/> (which may hold older bytes), exactly its length.</summary>
    public delegate void SpanWriter(BitImage image, Span<byte> file);

    /// <summary>The file in a new array.</summary>
    public static byte[] ToArray(BitImage image, Func<BitImage, int> length, SpanWriter write)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] file = new byte[length(image)];
        write(image, file);
        return file;
    }

    /// <summary>The file written straight into <paramref name="output"/>.</summary>
    public static void Write(BitImage image, IBufferWriter<byte> output, Func<BitImage, int> length, SpanWriter write)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        int bytes = length(image);
        write(image, output.GetSpan(bytes)[..bytes]);
        output.Advance(bytes);
    }
}
