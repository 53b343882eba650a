namespace RleTcp.Imaging.Formats;

/// <summary>
/// Counts the frames of a GIF from its structure alone (a TIFF's pages: <see cref="TiffDirectory.CountPages"/>), without decoding a
/// pixel, by the same walk the reader seeks with (so INFO's count is the pages COMPRESS can be asked for). The
/// walk is bounded by the payload and stop at loops, so a hostile file costs one pass over its bytes.
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
}
