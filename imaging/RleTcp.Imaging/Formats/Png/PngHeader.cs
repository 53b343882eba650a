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
    public bool IsPacked1Bit => BitDepth == 1 && ColorType is 0 or 3 && !IsInterlaced;

    /// <summary>Adam7: Pillow takes any non-zero interlace method as Adam7 (so does this reader).</summary>
    public bool IsInterlaced => Interlace != 0;

    /// <summary>Samples per pixel of the colour type (0 for an unknown one).</summary>
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };

    /// <summary>Bits per pixel in a scanline.</summary>
    public int BitsPerPixel => BitDepth * Channels;

    /// <summary>True for the bit depth and colour type pairs the PNG specification (and Pillow's <c>_MODES</c>) allow.</summary>
    public bool IsValidLayout => (ColorType, BitDepth) switch
    {
        (0, 1 or 2 or 4 or 8 or 16) => true,
        (3, 1 or 2 or 4 or 8) => true,
        (2 or 4 or 6, 8 or 16) => true,
        _ => false,
    };

    /// <summary>
    /// The mode Pillow 9.4 opens the file in, as far as <c>convert('1')</c> cares: 1-bit grey is "1" (a copy), a
    /// palette is "P" (each colour thresholded), grey of 2..16 bits ("L", or "I" for 16 bits, clipped to 255 on the
    /// way to "L") and 8-bit grey+alpha are dithered on the grey value (16-bit grey+alpha opens as "RGBA", whose luma is
    /// that grey value), RGB and RGBA (16-bit ones by their high bytes,
    /// as Pillow's "RGB;16B" unpacker) on the luma.
    /// </summary>
    public PillowMode PillowMode => ColorType switch
    {
        0 when BitDepth == 1 => Imaging.PillowMode.Bilevel,
        4 when BitDepth == 16 => Imaging.PillowMode.Colour, // Pillow's _MODES: "RGBA" from "LA;16B" (grey either way)
        0 or 4 => Imaging.PillowMode.Grey,
        3 => Imaging.PillowMode.Palette,
        _ => Imaging.PillowMode.Colour,
    };

    /// <summary>Bytes of one scanline of <paramref name="width"/> pixels, without its filter byte.</summary>
    public long RowBytes(long width) => ((width * BitsPerPixel) + 7) / 8;

    /// <summary>
    /// The header, or null when the file does not start with the signature and a 13-byte IHDR.
    /// </summary>
    /// <exception cref="ImageIntakeException">The IHDR chunk's CRC is wrong or its filter method is not 0.</exception>
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

        // Pillow ignores the compression method and refuses a filter method other than 0 ("unknown filter category").
        ReadOnlySpan<byte> ihdr = data.Slice(16, 13);
        if (ihdr[11] != 0)
        {
            throw ImageIntakeException.Invalid($"The PNG filter method {ihdr[11]} is unknown.");
        }

        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(ihdr),
            BinaryPrimitives.ReadInt32BigEndian(ihdr[4..]),
            ihdr[8],
            ihdr[9],
            ihdr[12]);
    }
}
