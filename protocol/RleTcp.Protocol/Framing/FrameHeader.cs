using System.Buffers;
using System.Buffers.Binary;

namespace RleTcp.Protocol.Framing;

/// <summary>
/// The 8-byte frame header: an unsigned 64-bit big-endian payload length. Both directions use it.
/// </summary>
public static class FrameHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = sizeof(ulong);

    /// <summary>Writes <paramref name="payloadLength"/> as the header into the first 8 bytes of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, ulong payloadLength) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, payloadLength);

    /// <summary>Writes the header to <paramref name="writer"/> and advances it.</summary>
    public static void Write(IBufferWriter<byte> writer, ulong payloadLength)
    {
        Write(writer.GetSpan(Size), payloadLength);
        writer.Advance(Size);
    }

    /// <summary>
    /// Reads a header from the start of <paramref name="buffer"/>, which may span several segments.
    /// Returns false when fewer than 8 bytes are available.
    /// </summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out ulong payloadLength)
    {
        if (buffer.Length < Size)
        {
            payloadLength = 0;
            return false;
        }

        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= Size)
        {
            payloadLength = BinaryPrimitives.ReadUInt64BigEndian(first);
            return true;
        }

        Span<byte> header = stackalloc byte[Size];
        buffer.Slice(0, Size).CopyTo(header);
        payloadLength = BinaryPrimitives.ReadUInt64BigEndian(header);
        return true;
    }

    /// <summary>Reads a header from the first 8 bytes of <paramref name="source"/>.</summary>
    public static ulong Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt64BigEndian(source);
}
