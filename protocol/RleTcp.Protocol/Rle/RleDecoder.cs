using System.Buffers.Binary;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Rle;

/// <summary>
/// Reads the RLE format back into a <see cref="BitImage"/>, strictly: every deviation is an
/// <see cref="RleFormatException"/> naming the byte. Runs that cross a 127-pixel chunk boundary inside a row are
/// accepted, as the reference decoder accepts them; only the encoder is canonical.
/// </summary>
public static class RleDecoder
{
    /// <summary>Reads the width and height; false when fewer than 4 bytes are given.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> rle, out int width, out int height)
    {
        if (rle.Length < RleFormat.HeaderSize)
        {
            width = height = 0;
            return false;
        }

        width = BinaryPrimitives.ReadUInt16LittleEndian(rle);
        height = BinaryPrimitives.ReadUInt16LittleEndian(rle[2..]);
        return true;
    }

    /// <summary>Decodes a whole RLE image.</summary>
    /// <returns>
    /// An image whose storage is rented from the shared pool, as <c>ImageIntake.Decode</c>'s is: dispose it when done
    /// to recycle the words (not disposing only costs the pool; the garbage collector frees them as usual).
    /// </returns>
    /// <exception cref="RleFormatException">The data breaks the format.</exception>
    public static BitImage Decode(ReadOnlySpan<byte> rle)
    {
        if (!TryReadHeader(rle, out int width, out int height))
        {
            throw new RleFormatException(RleFormatError.TruncatedHeader, rle.Length, "fewer than the 4 header bytes");
        }

        if (width == 0 || height == 0)
        {
            throw new RleFormatException(
                RleFormatError.ZeroDimension, width == 0 ? 0 : 2, $"the header declares a {width}x{height} image");
        }

        // Every row needs at least one run byte per 127-pixel chunk. Checking that before allocating keeps a hostile
        // 4-byte header from costing a 65535x65535 bitmap (512 MB); found by the rle-decoder fuzz target.
        long minimumLength = RleFormat.HeaderSize + ((long)height * ((width + RleFormat.ChunkPixels - 1) / RleFormat.ChunkPixels));
        if (rle.Length < minimumLength)
        {
            throw new RleFormatException(
                RleFormatError.TruncatedData, rle.Length,
                $"{rle.Length} bytes cannot hold a {width}x{height} image, which needs at least {minimumLength}");
        }

        // Pooled: a page is a megabyte or more, and a fresh large-object allocation per decode costs a third of the
        // decode time in gen-2 collections (issue 5's benchmarks). The image must start black: CreatePooled clears it.
        var image = BitImage.CreatePooled(width, height);
        try
        {
            int offset = RleFormat.HeaderSize;
            for (int y = 0; y < height; y++)
            {
                Span<ulong> row = image.Row(y);
                int x = 0;
                while (x < width)
                {
                    if (offset >= rle.Length)
                    {
                        throw new RleFormatException(
                            RleFormatError.TruncatedData, rle.Length, $"the data ends in row {y} at pixel {x} of {width}");
                    }

                    byte run = rle[offset];
                    int length = run & RleFormat.LengthMask;
                    if (length == 0)
                    {
                        throw new RleFormatException(RleFormatError.ZeroLengthRun, offset, "a run of length 0");
                    }

                    if (x + length > width)
                    {
                        throw new RleFormatException(
                            RleFormatError.RunCrossesRowEnd, offset,
                            $"a run of {length} at pixel {x} crosses the end of row {y} ({width} pixels)");
                    }

                    if ((run & RleFormat.WhiteFlag) != 0)
                    {
                        BitRows.SetOnes(row, x, length);
                    }

                    x += length;
                    offset++;
                }
            }

            if (offset != rle.Length)
            {
                throw new RleFormatException(
                    RleFormatError.TrailingBytes, offset, $"{rle.Length - offset} bytes follow the last row");
            }
        }
        catch (RleFormatException)
        {
            image.Dispose();
            throw;
        }

        return image;
    }
}
