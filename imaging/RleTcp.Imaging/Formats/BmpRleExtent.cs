namespace RleTcp.Imaging.Formats;

/// <summary>
/// Refuses an RLE8/RLE4 bitmap whose codes cover fewer pixels than the image has, as Pillow 9.4's
/// <c>BmpRleDecoder</c> does ("not enough image data"); ImageSharp 2.1.13 would fill the rest instead.
/// </summary>
internal static class BmpRleExtent
{
    /// <summary>Walks the codes exactly as Pillow counts the pixels they produce, without producing them.</summary>
    public static void Check(ReadOnlySpan<byte> data, BmpHeader header, CancellationToken ct)
    {
        if (header.Compression is not (1 or 2) || header.PixelOffset >= data.Length)
        {
            return;
        }

        bool rle4 = header.Compression == 2;
        long width = header.Width, total = width * Math.Abs((long)header.Height);
        long produced = 0, x = 0;
        int at = header.PixelOffset;
        while (produced < total && at + 2 <= data.Length)
        {
            if ((at & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            int count = data[at], code = data[at + 1];
            at += 2;
            if (count != 0)
            {
                // An encoded run is clipped to the row, as in Pillow.
                long n = Math.Min(count, Math.Max(0, width - x));
                produced += n;
                x += n;
            }
            else if (code == 0)
            {
                produced += (width - (produced % width)) % width;
                x = 0;
            }
            else if (code == 1)
            {
                break;
            }
            else if (code == 2)
            {
                if (at + 2 > data.Length)
                {
                    break;
                }

                produced += data[at] + (data[at + 1] * width);
                at += 2;
                x = produced % width;
            }
            else
            {
                // Absolute run: RLE4 packs two pixels per byte (Pillow reads code / 2 bytes), padded to a word.
                int bytes = rle4 ? code / 2 : code;
                int available = Math.Min(bytes, data.Length - at);
                produced += rle4 ? available * 2L : available;
                at += available;
                if (available < bytes)
                {
                    break;
                }

                x += code;
                if ((at & 1) != 0)
                {
                    // Pillow aligns on the file position (fd.tell() % 2), not on the offset into the pixel data.
                    at++;
                }
            }
        }

        if (produced < total)
        {
            throw ImageIntakeException.Invalid(
                $"The RLE bitmap ends after {produced} of its {total} pixels (Pillow refuses it: not enough image data).");
        }
    }
}
