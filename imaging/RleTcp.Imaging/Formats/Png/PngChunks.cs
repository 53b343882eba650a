using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A PNG's chunks walked as Pillow 9.4's PngImagePlugin walks them: every chunk before the first IDAT must be whole
/// and carry a correct CRC (Pillow's <c>_open</c> checks each one); the image data is the run of IDAT chunks that
/// follows, up to the first other chunk or the end of the payload. What comes after that run is never read, so a
/// file cut after its last row (inside the zlib trailer, the last CRC or IEND) is still an image, as in Pillow;
/// whether the rows themselves are all there is decided while inflating them.
/// </summary>
internal static class PngChunks
{
    /// <summary>
    /// The palette (PLTE body, empty when absent) and the IDAT bodies, appended to <paramref name="idat"/> in file
    /// order (the last one possibly cut by the end of the payload).
    /// </summary>
    /// <exception cref="ImageIntakeException">A chunk before the image data is cut or corrupt, there is no IDAT, or a
    /// whole IDAT chunk fails its CRC.</exception>
    public static ReadOnlyMemory<byte> Read(ReadOnlyMemory<byte> file, List<ReadOnlyMemory<byte>> idat)
    {
        ReadOnlySpan<byte> data = file.Span;
        ReadOnlyMemory<byte> palette = default;
        int pos = 8;
        while (true)
        {
            if (pos + 8 > data.Length)
            {
                throw ImageIntakeException.Invalid("The PNG file is truncated: it ends before its image data.");
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            if (type.SequenceEqual("IDAT"u8))
            {
                break;
            }

            if (type.SequenceEqual("IEND"u8))
            {
                throw ImageIntakeException.Invalid("The PNG file has no image data: IEND comes before any IDAT chunk.");
            }

            if (pos + 12L + length > data.Length)
            {
                throw ImageIntakeException.Invalid($"The PNG file is truncated: the chunk at offset {pos} runs past its end.");
            }

            CheckCrc(data, pos, (int)length);
            if (type.SequenceEqual("PLTE"u8))
            {
                palette = file.Slice(pos + 8, (int)length);
            }

            pos += 12 + (int)length;
        }

        // The IDAT run. Pillow reads it without checking CRCs; a whole chunk is still checked here (a wrong CRC means
        // corrupted data, which must not come back as pixels), a cut one is taken as far as it goes.
        while (pos + 8 <= data.Length && data.Slice(pos + 4, 4).SequenceEqual("IDAT"u8))
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            long available = Math.Min(length, data.Length - (pos + 8L));
            idat.Add(file.Slice(pos + 8, (int)available));
            if (pos + 12L + length > data.Length)
            {
                break;
            }

            CheckCrc(data, pos, (int)length);
            pos += 12 + (int)length;
        }

        return palette;
    }

    private static void CheckCrc(ReadOnlySpan<byte> data, int pos, int length)
    {
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data.Slice(pos + 4, 4 + length));
        if (crc != BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + length)..]))
        {
            string type = System.Text.Encoding.ASCII.GetString(data.Slice(pos + 4, 4));
            throw ImageIntakeException.Invalid($"The PNG {type} chunk at offset {pos} has a bad CRC.");
        }
    }
}
