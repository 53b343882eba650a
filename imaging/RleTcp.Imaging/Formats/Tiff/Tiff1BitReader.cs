using System.Buffers;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads a bilevel TIFF (one sample of one bit, WhiteIsZero or BlackIsZero) straight into packed rows, strip by
/// strip or tile by tile: uncompressed, PackBits, LZW, Deflate and the three CCITT codings (MH, T.4 Group 3 1D/2D,
/// T.6 Group 4), either fill order, classic or BigTIFF. These never reach ImageSharp, whose 2.1.13 CCITT decoders
/// lose the last MH run and shift some Group 3 images by a row, and which reads neither tiles, FillOrder 2 nor BigTIFF.
/// Every strip must decode to all the rows it covers; data that ends early is refused, never padded.
/// </summary>
internal static class Tiff1BitReader
{
    /// <summary>Whether <paramref name="header"/> is a file this reader decodes (else ImageSharp does).</summary>
    public static bool Reads(TiffHeader header) =>
        header.Photometric is 0 or 1 && header.BitsPerSample == 1 && header.SamplesPerPixel == 1
        && (header.Compression is 1 or 2 or 3 or 4 || TiffCodecs.Reads(header.Compression));

    /// <summary>The image, or null when the file is not a bilevel TIFF this reader decodes.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, TiffHeader header, CancellationToken ct)
    {
        if (!Reads(header))
        {
            return null;
        }

        int width = header.Width, height = header.Height;
        int chunkWidth = header.IsTiled ? header.TileWidth : width;
        int chunkRows = header.IsTiled ? header.TileLength : (int)Math.Clamp(header.RowsPerStrip, 1, height);
        int across = (int)(((long)width + chunkWidth - 1) / chunkWidth);
        long chunks = header.ChunksNeeded;
        int rowBytes = BitImage.BytesPerPackedRow(chunkWidth);
        bool invert = header.Photometric == 0; // WhiteIsZero: a set bit is black.
        byte[] row = ArrayPool<byte>.Shared.Rent(rowBytes);
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                int x0 = (chunk % across) * chunkWidth;
                int y0 = (chunk / across) * chunkRows;
                int rows = Math.Min(chunkRows, height - y0);
                ReadOnlySpan<byte> bytes = TiffCodecs.ChunkBytes(data, header, chunk);
                ReadChunk(bytes, header, chunkWidth, rows, chunk, row.AsSpan(0, rowBytes), (r, packed) =>
                {
                    ct.ThrowIfCancellationRequested();
                    Place(image, x0, y0 + r, packed, invert);
                });
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }
    }

    private delegate void RowSink(int row, ReadOnlySpan<byte> packed);

    private static void ReadChunk(
        ReadOnlySpan<byte> bytes, TiffHeader header, int chunkWidth, int rows, int chunk, Span<byte> row, RowSink sink)
    {
        int rowBytes = row.Length;
        bool lsbFirst = header.FillOrder == 2;
        switch (header.Compression)
        {
            case 2 or 3 or 4:
            {
                // The CCITT decoder reads either bit order itself, as libtiff's does.
                CcittCoding coding = header.Compression switch
                {
                    2 => CcittCoding.ModifiedHuffman,
                    3 => CcittCoding.Group3,
                    _ => CcittCoding.Group4,
                };
                var decoder = new CcittDecoder(bytes, chunkWidth, coding, header.T4Options, lsbFirst);
                try
                {
                    for (int r = 0; r < rows; r++)
                    {
                        decoder.ReadRow(row);
                        sink(r, row);
                    }
                }
                finally
                {
                    decoder.Dispose();
                }

                return;
            }

            case 1:
                // Pillow reads uncompressed strips itself, from the offset on, whatever the byte count says.
                if (bytes.Length < (long)rows * rowBytes)
                {
                    throw ImageIntakeException.Invalid(
                        $"The TIFF file is truncated: strip {chunk} needs {(long)rows * rowBytes} bytes, {bytes.Length} are left.");
                }

                for (int r = 0; r < rows; r++)
                {
                    bytes.Slice(r * rowBytes, rowBytes).CopyTo(row);
                    if (lsbFirst)
                    {
                        BitReversal.Reverse(row);
                    }

                    sink(r, row);
                }

                return;

            default:
            {
                int size = checked(rows * rowBytes);
                byte[] plain = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    int got = TiffCodecs.Decompress(bytes, header.Compression, lsbFirst, plain.AsSpan(0, size));
                    if (got < size)
                    {
                        throw ImageIntakeException.Invalid(
                            $"The TIFF file is truncated: strip {chunk} decompresses to {got} of the {size} bytes its {rows} rows need.");
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        sink(r, plain.AsSpan(r * rowBytes, rowBytes));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(plain);
                }

                return;
            }
        }
    }

    private static void Place(BitImage image, int x0, int y, ReadOnlySpan<byte> packed, bool invert)
    {
        if (y >= image.Height)
        {
            return;
        }

        if (x0 == 0 && packed.Length >= BitImage.BytesPerPackedRow(image.Width))
        {
            image.SetRow(y, packed, BitOrder.MsbFirst, invert);
            return;
        }

        // A tile: its columns past the image's right edge are padding.
        int end = Math.Min(image.Width, x0 + (packed.Length * 8));
        for (int x = x0; x < end; x++)
        {
            int i = x - x0;
            bool set = (packed[i >> 3] & (0x80 >> (i & 7))) != 0;
            image[x, y] = set != invert;
        }
    }
}
