using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Counts the frames of a GIF or the pages (directories) of a TIFF from their structure alone, without decoding a
/// pixel, by the same walks the readers seek with (so INFO's count is the pages COMPRESS can be asked for). Both
/// walks are bounded by the payload and stop at loops, so a hostile file costs one pass over its bytes.
/// </summary>
internal static class FrameCounter
{
    /// <summary>
    /// The frames <see cref="GifReader"/> can seek to: frame 0 as <see cref="GifHeader"/> reads it, then each image
    /// descriptor <see cref="GifBlocks.NextFrame"/> finds, up to the trailer, the end of the data or a block the
    /// seek would fail on.
    /// </summary>
    public static int CountGifFrames(ReadOnlySpan<byte> data)
    {
        GifHeader header = GifHeader.Read(data);
        GifFrame frame = header.First;
        int disposal = header.Disposal;
        int frames = 1;
        try
        {
            while (true)
            {
                int pos = 0;
                GifBlocks.SkipSubBlocks(data, ref pos, frame.DataOffset);
                if (GifBlocks.NextFrame(data, ref pos, header.GlobalOffset, header.GlobalLength, ref disposal) is not { } next)
                {
                    return frames;
                }

                frames++;
                frame = next;
            }
        }
        catch (ImageIntakeException)
        {
            // Seeking past this frame fails in the reader too: the pages that exist are the ones before it.
            return frames;
        }
    }

    /// <summary>
    /// Directories in a TIFF's chain (classic or BigTIFF, either byte order), walked as <see cref="TiffHeader.Read"/>
    /// walks it: page 0 must be readable; the chain ends at a next offset of 0, one outside the file, a directory
    /// that runs past the end, or the first directory seen before (Pillow 9.4 stops there).
    /// </summary>
    public static int CountTiffPages(ReadOnlySpan<byte> data)
    {
        TiffHeader.Read(data); // page 0, with every check the reader makes of it
        bool little = data[0] == 'I';
        bool big = U16(data, 2, little) == 43;
        int headerSize = big ? 16 : 8, entrySize = big ? 20 : 12;
        long ifd = big ? U64(data, 8, little) : U32(data, 4, little);
        var seen = new HashSet<long>();
        while (seen.Count < MaxPages)
        {
            if (ifd < headerSize || ifd > data.Length - (big ? 8 : 2) || seen.Contains(ifd))
            {
                break;
            }

            long count = big ? Math.Min(U64(data, (int)ifd, little), int.MaxValue) : U16(data, (int)ifd, little);
            long entries = ifd + (big ? 8 : 2);
            if (count > (data.Length - entries) / entrySize)
            {
                break; // TiffHeader refuses this page and every later one
            }

            seen.Add(ifd);

            long nextAt = entries + (count * entrySize);
            ifd = nextAt + (big ? 8 : 4) > data.Length ? 0 : big ? U64(data, (int)nextAt, little) : U32(data, (int)nextAt, little);
        }

        return seen.Count;
    }

    // The page cap TiffHeader applies.
    private const int MaxPages = 10_000;

    private static int U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static long U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static long U64(ReadOnlySpan<byte> d, int at, bool little) =>
        (long)Math.Min(little ? BinaryPrimitives.ReadUInt64LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt64BigEndian(d[at..]), long.MaxValue);
}
