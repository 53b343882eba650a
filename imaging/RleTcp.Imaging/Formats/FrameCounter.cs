using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Counts the frames of a GIF or the pages (directories) of a TIFF from their structure alone, without decoding a
/// pixel. Both walks are bounded by the payload and refuse loops, so a hostile file costs one pass over its bytes.
/// </summary>
internal static class FrameCounter
{
    /// <summary>Image descriptors in a GIF, up to its trailer (or the end of the data, as Pillow reads a truncated tail).</summary>
    public static int CountGifFrames(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            throw ImageIntakeException.Invalid("The GIF file is shorter than its header.");
        }

        int pos = 13 + ((data[10] & 0x80) != 0 ? 3 << ((data[10] & 7) + 1) : 0);
        int frames = 0;
        while (pos < data.Length)
        {
            byte block = data[pos++];
            if (block == 0x3B)
            {
                break;
            }

            if (block == 0x21)
            {
                pos++; // the extension label
            }
            else if (block == 0x2C)
            {
                if (pos + 9 > data.Length)
                {
                    break;
                }

                byte flags = data[pos + 8];
                pos += 9 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
                pos++; // LZW minimum code size
                frames++;
            }
            else
            {
                throw ImageIntakeException.Invalid($"The GIF file has an unknown block 0x{block:x2} at byte {pos - 1}.");
            }

            // Data sub-blocks, each a size byte and that many bytes, up to a zero size.
            while (pos < data.Length && data[pos] != 0)
            {
                pos += 1 + data[pos];
            }

            pos++;
        }

        return frames == 0 ? throw ImageIntakeException.Invalid("The GIF file has no frame.") : frames;
    }

    /// <summary>Directories in a classic TIFF's chain, following each "next IFD" offset until 0.</summary>
    public static int CountTiffPages(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            throw ImageIntakeException.Invalid("The TIFF file is shorter than its header.");
        }

        bool little = data[0] == 'I';
        long ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) : BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int pages = 0;
        long previous = -1;
        while (ifd != 0)
        {
            // Offsets must move forward or at least differ; a chain pointing back is a loop in hostile files.
            if (ifd < 8 || ifd + 2 > data.Length || ifd == previous || pages > data.Length / 14)
            {
                throw ImageIntakeException.Invalid($"The TIFF directory offset {ifd} is outside the file or loops.");
            }

            int entries = little ? BinaryPrimitives.ReadUInt16LittleEndian(data[(int)ifd..]) : BinaryPrimitives.ReadUInt16BigEndian(data[(int)ifd..]);
            long next = ifd + 2 + (entries * 12L);
            if (next + 4 > data.Length)
            {
                throw ImageIntakeException.Invalid("A TIFF directory runs past the end of the file.");
            }

            pages++;
            previous = ifd;
            ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(data[(int)next..]) : BinaryPrimitives.ReadUInt32BigEndian(data[(int)next..]);
        }

        return pages;
    }
}
