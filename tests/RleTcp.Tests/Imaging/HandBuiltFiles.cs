using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Small image files built byte by byte, for cases no encoder writes: chosen PNG filters, lying headers,
/// palettes that decide Pillow's mode.
/// </summary>
internal static class HandBuiltFiles
{
    /// <summary>A PNG from raw (already filtered) scanlines, each starting with its filter byte (Adam7's passes one
    /// after the other when <paramref name="interlaced"/>).</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte[] scanlines, byte[]? palette = null, bool badIdatCrc = false, bool interlaced = false)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(scanlines);
        }

        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", ihdr);
        if (palette is not null)
        {
            Chunk(file, "PLTE", palette);
        }

        Chunk(file, "IDAT", compressed.ToArray(), corruptCrc: badIdatCrc);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>An uncompressed BMP (BITMAPINFOHEADER) from bottom-up rows already padded to 4 bytes.</summary>
    public static byte[] Bmp(int width, int height, int bits, byte[] paletteBgrx, byte[] rows, uint? pixelOffset = null, uint? colorsUsed = null)
    {
        int offset = 14 + 40 + paletteBgrx.Length;
        var file = new byte[offset + rows.Length];
        Span<byte> s = file;
        s[0] = (byte)'B';
        s[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(s[2..], file.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s[10..], pixelOffset ?? (uint)offset);
        BinaryPrimitives.WriteInt32LittleEndian(s[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(s[18..], width);
        BinaryPrimitives.WriteInt32LittleEndian(s[22..], height);
        BinaryPrimitives.WriteInt16LittleEndian(s[26..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[28..], (short)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(s[46..], colorsUsed ?? (uint)(paletteBgrx.Length / 4));
        paletteBgrx.CopyTo(s[54..]);
        rows.CopyTo(s[offset..]);
        return file;
    }

    /// <summary>A BGRX palette of <paramref name="count"/> greys, entry i = (i, i, i), as Pillow's "L" test wants.</summary>
    public static byte[] GreyRampPalette(int count)
    {
        var palette = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            palette[(i * 4) + 0] = palette[(i * 4) + 1] = palette[(i * 4) + 2] = (byte)i;
        }

        return palette;
    }

    /// <summary>
    /// <paramref name="png"/> with its IDAT data joined into one chunk and cut to half its length, the CRCs correct:
    /// a structurally complete file whose zlib stream ends before the rows do.
    /// </summary>
    public static byte[] WithIdatCutShort(byte[] png) => WithIdat(png, idat => idat.Take(idat.Count / 2).ToArray());

    /// <summary>
    /// <paramref name="png"/> with its IDAT data joined into one chunk and 16 bytes in its middle inverted, the CRCs
    /// correct: a structurally complete file whose zlib stream is corrupt.
    /// </summary>
    public static byte[] WithIdatCorrupted(byte[] png) => WithIdat(png, idat =>
    {
        byte[] body = [.. idat];
        for (int i = body.Length / 2; i < Math.Min(body.Length, (body.Length / 2) + 16); i++)
        {
            body[i] ^= 0xFF;
        }

        return body;
    });

    private static byte[] WithIdat(byte[] png, Func<List<byte>, byte[]> change)
    {
        using var file = new MemoryStream();
        file.Write(png.AsSpan(0, 8));
        var idat = new List<byte>();
        for (int pos = 8; pos + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] body = png[(pos + 8)..(pos + 8 + length)];
            if (type == "IDAT")
            {
                idat.AddRange(body);
            }
            else
            {
                if (type == "IEND")
                {
                    Chunk(file, "IDAT", change(idat));
                }

                Chunk(file, type, body);
            }

            pos += 12 + length;
        }

        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] body, bool corruptCrc = false)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
        file.Write(length);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        file.Write(typeBytes);
        file.Write(body);
        uint crc = Crc(typeBytes, body) ^ (corruptCrc ? 1u : 0u);
        BinaryPrimitives.WriteUInt32BigEndian(length, crc);
        file.Write(length);
    }

    // Bit-by-bit CRC-32, deliberately independent of the production table.
    private static uint Crc(byte[] type, byte[] body)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in type.Concat(body))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
