using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace RleTcp.Protocol.Bits;

/// <summary>
/// Writes a <see cref="BitImage"/> as a 1-bit PNG, a 1-bit BMP or a binary PBM (P4), all by hand: this library is the
/// wire and the codecs, and must not pull an image library into every client.
/// </summary>
public static class BitImageWriter
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// A 1-bit greyscale PNG (IHDR, one zlib IDAT, IEND; filter type 0 on every row), which Pillow opens as mode "1".
    /// The packed rows are the PNG scanlines as they are (MSB first, 1 = white), so no pixel is touched one by one.
    /// With <paramref name="dpi"/>, a pHYs chunk records the resolution (in pixels per metre, as PNG stores it).
    /// </summary>
    public static byte[] ToPng(BitImage image, double? dpi = null)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        WritePng(image, output, dpi);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The file of <see cref="ToPng"/>, written into <paramref name="output"/> (the IDAT copied in once).</summary>
    public static void WritePng(BitImage image, IBufferWriter<byte> output, double? dpi = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        output.Write(PngSignature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale; compression, filter and interlace stay 0
        ihdr[10..].Clear();
        WriteChunk(output, "IHDR"u8, ihdr);
        if (dpi is double resolution)
        {
            Span<byte> phys = stackalloc byte[9];
            uint perMetre = (uint)Math.Round(resolution / 0.0254);
            BinaryPrimitives.WriteUInt32BigEndian(phys, perMetre);
            BinaryPrimitives.WriteUInt32BigEndian(phys[4..], perMetre);
            phys[8] = 1; // the unit is the metre
            WriteChunk(output, "pHYs"u8, phys);
        }

        // The chunk's length comes before its data, so the zlib stream is made first and copied in once.
        using (var idat = new MemoryStream())
        {
            using (var zlib = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            {
                byte[] scanline = new byte[1 + rowBytes]; // filter byte 0, then the row
                for (int y = 0; y < image.Height; y++)
                {
                    image.CopyRowTo(y, scanline.AsSpan(1));
                    zlib.Write(scanline);
                }
            }

            WriteChunk(output, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        }

        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteChunk(IBufferWriter<byte> output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        int length = 4 + type.Length + data.Length + 4;
        Span<byte> chunk = output.GetSpan(length)[..length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        type.CopyTo(chunk[4..]);
        data.CopyTo(chunk[(4 + type.Length)..]);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(chunk[(length - 4)..], crc.GetCurrentHashAsUInt32());
        output.Advance(length);
    }

    /// <summary>
    /// A 1-bit BMP (BITMAPINFOHEADER, palette black then white, bottom-up rows padded to 4 bytes), which Pillow opens
    /// as mode "1". Written here because ImageSharp 2.1.13's 1-bit BMP encoder corrupts rows at some widths and
    /// throws on widths under 8 (found by this project's round-trip tests).
    /// </summary>
    public static byte[] ToBmp(BitImage image) => FixedLengthFile.ToArray(image, BmpLength, WriteBmp);

    /// <summary>The file of <see cref="ToBmp"/>, written straight into <paramref name="output"/>.</summary>
    public static void WriteBmp(BitImage image, IBufferWriter<byte> output) => FixedLengthFile.Write(image, output, BmpLength, WriteBmp);

    private const int BmpPixelOffset = 14 + 40 + 8;

    private static int BmpStride(BitImage image) => (BitImage.BytesPerPackedRow(image.Width) + 3) & ~3;

    private static int BmpLength(BitImage image) => checked(BmpPixelOffset + (BmpStride(image) * image.Height));

    // Every byte of the file is written: the destination may be a pooled buffer holding an older answer.
    private static void WriteBmp(BitImage image, Span<byte> output)
    {
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        int stride = BmpStride(image);
        int size = output.Length;
        Span<byte> header = output[..BmpPixelOffset];
        header.Clear();
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[10..], BmpPixelOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(header[18..], image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[22..], image.Height);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[34..], (uint)(size - BmpPixelOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(header[46..], 2);
        header.Slice(54 + 4, 3).Fill(255); // entry 0 black (zeros), entry 1 white
        for (int y = 0; y < image.Height; y++)
        {
            Span<byte> row = output.Slice(BmpPixelOffset + (y * stride), stride);
            image.CopyRowTo(image.Height - 1 - y, row[..rowBytes]);
            row[rowBytes..].Clear();
        }
    }

    /// <summary>
    /// A binary PBM (P4), written here because ImageSharp 2.1.13's P4 encoder is wrong when the width is not a
    /// multiple of 8. In PBM a set bit is black. The bytes are the <c>pbm</c> codec's.
    /// </summary>
    public static byte[] ToPbm(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = new ArrayBufferWriter<byte>();
        WritePbm(image, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The file of <see cref="ToPbm"/>, written straight into <paramref name="output"/>.</summary>
    public static void WritePbm(BitImage image, IBufferWriter<byte> output) => Codecs.Pbm.PbmCodec.Instance.Encode(image, output);
}
