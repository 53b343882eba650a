using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A PNG's IHDR read straight from the bytes, so the 1-bit fast path can check the size and decide to run without
/// ImageSharp's <c>Identify</c> (a stream, a decoder and its metadata objects per image: most of a small request's
/// intake time).
/// </summary>
internal readonly record struct PngHeader(int Width, int Height, byte BitDepth, byte ColorType, byte Interlace)
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True for a non-interlaced 1-bit grey or palette image: what <see cref="Png1BitReader"/> reads.</summary>
    public bool IsPacked1Bit => BitDepth == 1 && ColorType is 0 or 3 && Interlace == 0;

    /// <summary>
    /// The header, or null when the file does not start with the signature and a 13-byte IHDR (or declares a
    /// compression or filter method other than 0): such files are left to ImageSharp, which refuses them.
    /// </summary>
    /// <exception cref="ImageIntakeException">The IHDR chunk's CRC is wrong (as ImageSharp refuses it).</exception>
    public static PngHeader? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 + 25 || !data[..8].SequenceEqual(Signature)
            || BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        if (System.IO.Hashing.Crc32.HashToUInt32(data.Slice(12, 17)) != BinaryPrimitives.ReadUInt32BigEndian(data[29..]))
        {
            // Checked before the size, so a corrupt header is reported as corrupt rather than as too large.
            throw ImageIntakeException.Invalid("The PNG IHDR chunk has a bad CRC.");
        }

        ReadOnlySpan<byte> ihdr = data.Slice(16, 13);
        if (ihdr[10] != 0 || ihdr[11] != 0)
        {
            return null;
        }

        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(ihdr),
            BinaryPrimitives.ReadInt32BigEndian(ihdr[4..]),
            ihdr[8],
            ihdr[9],
            ihdr[12]);
    }
}
