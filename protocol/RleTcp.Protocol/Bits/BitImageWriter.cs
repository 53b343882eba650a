using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

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
    /// </summary>
    public static byte[] ToPng(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        using var output = new MemoryStream();
        output.Write(PngSignature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale; compression, filter and interlace stay 0
        WriteChunk(output, "IHDR"u8, ihdr);

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
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    /// <summary>
    /// A 1-bit BMP (BITMAPINFOHEADER, palette black then white, bottom-up rows padded to 4 bytes), which Pillow opens
    /// as mode "1". Written here because ImageSharp 2.1.13's 1-bit BMP encoder corrupts rows at some widths and
    /// throws on widths under 8 (found by this project's round-trip tests).
    /// </summary>
    public static byte[] ToBmp(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        const int pixelOffset = 14 + 40 + 8;
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        int stride = (rowBytes + 3) & ~3;
        long size = pixelOffset + ((long)stride * image.Height);
        byte[] output = new byte[size];
        Span<byte> header = output;
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[10..], pixelOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(header[18..], image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[22..], image.Height);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[34..], (uint)(size - pixelOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(header[46..], 2);
        header.Slice(54 + 4, 3).Fill(255); // entry 0 black (zeros), entry 1 white
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(image.Height - 1 - y, output.AsSpan(pixelOffset + (y * stride), rowBytes));
        }

        return output;
    }

    /// <summary>
    /// A binary PBM (P4), written here because ImageSharp 2.1.13's P4 encoder is wrong when the width is not a
    /// multiple of 8. In PBM a set bit is black.
    /// </summary>
    public static byte[] ToPbm(BitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] header = Encoding.ASCII.GetBytes($"P4\n{image.Width} {image.Height}\n");
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        byte[] output = new byte[header.Length + ((long)rowBytes * image.Height)];
        header.CopyTo(output, 0);
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(y, output.AsSpan(header.Length + (y * rowBytes), rowBytes), BitOrder.MsbFirst, invert: true);
        }

        return output;
    }
}
