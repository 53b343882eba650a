using System.Buffers;
using System.Buffers.Binary;

namespace RleTcp.Protocol.Bits;

/// <summary>
/// Writes a <see cref="BitImage"/> as a baseline bilevel TIFF: little-endian, one uncompressed strip, BlackIsZero
/// (a set bit is white, as in <see cref="BitImage"/>), 72 dpi. Readable by libtiff (<c>tiffinfo</c>), Pillow and ImageSharp.
/// </summary>
public static class BitImageTiffWriter
{
    private const int Entries = 11;
    private const int IfdOffset = 8;
    private const int IfdSize = 2 + (Entries * 12) + 4;
    private const int ResolutionOffset = IfdOffset + IfdSize;
    private const int PixelOffset = ResolutionOffset + 16;

    /// <summary>The TIFF file for <paramref name="image"/>.</summary>
    public static byte[] ToTiff(BitImage image) => FixedLengthFile.ToArray(image, Length, Write);

    /// <summary>The file of <see cref="ToTiff"/>, written straight into <paramref name="output"/>.</summary>
    public static void WriteTiff(BitImage image, IBufferWriter<byte> output) => FixedLengthFile.Write(image, output, Length, Write);

    private static int Length(BitImage image) => checked(PixelOffset + (BitImage.BytesPerPackedRow(image.Width) * image.Height));

    // Every byte of the file is written: the destination may be a pooled buffer holding an older answer.
    private static void Write(BitImage image, Span<byte> f)
    {
        int stride = BitImage.BytesPerPackedRow(image.Width);
        long pixelBytes = (long)stride * image.Height;
        f[..PixelOffset].Clear();
        "II"u8.CopyTo(f);
        BinaryPrimitives.WriteUInt16LittleEndian(f[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(f[4..], IfdOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(f[IfdOffset..], Entries);
        int e = IfdOffset + 2;

        // Entries in ascending tag order, as TIFF 6.0 requires.
        e = Entry(f, e, 256, 4, 1, (uint)image.Width);              // ImageWidth (LONG)
        e = Entry(f, e, 257, 4, 1, (uint)image.Height);             // ImageLength
        e = Entry(f, e, 258, 3, 1, 1);                              // BitsPerSample = 1
        e = Entry(f, e, 259, 3, 1, 1);                              // Compression = none
        e = Entry(f, e, 262, 3, 1, 1);                              // Photometric = BlackIsZero: 1 is white
        e = Entry(f, e, 273, 4, 1, PixelOffset);                    // StripOffsets
        e = Entry(f, e, 277, 3, 1, 1);                              // SamplesPerPixel
        e = Entry(f, e, 278, 4, 1, (uint)image.Height);             // RowsPerStrip: one strip
        e = Entry(f, e, 279, 4, 1, (uint)pixelBytes);               // StripByteCounts
        e = Entry(f, e, 282, 5, 1, ResolutionOffset);               // XResolution (RATIONAL, at the offset)
        _ = Entry(f, e, 283, 5, 1, ResolutionOffset + 8);           // YResolution
        // The next-IFD offset after the entries stays 0: one page.
        BinaryPrimitives.WriteUInt32LittleEndian(f[ResolutionOffset..], 72);
        BinaryPrimitives.WriteUInt32LittleEndian(f[(ResolutionOffset + 4)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(f[(ResolutionOffset + 8)..], 72);
        BinaryPrimitives.WriteUInt32LittleEndian(f[(ResolutionOffset + 12)..], 1);
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(y, f.Slice(PixelOffset + (y * stride), stride));
        }
    }

    private static int Entry(Span<byte> f, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(f[at..], tag);
        BinaryPrimitives.WriteUInt16LittleEndian(f[(at + 2)..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(f[(at + 4)..], count);
        if (type == 3)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(f[(at + 8)..], (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(f[(at + 8)..], value);
        }

        return at + 12;
    }
}
