using System.Buffers;
using System.IO.Compression;
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
        && header.Compression is 1 or 2 or 3 or 4 or 5 or 8 or 32946 or 32773;

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
                ReadOnlySpan<byte> bytes = ChunkBytes(data, header, chunk);
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
                    int got = Decompress(bytes, header.Compression, lsbFirst, plain.AsSpan(0, size));
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

    /// <summary>
    /// Decompresses one PackBits (32773), LZW (5) or Deflate (8, 32946) strip into <paramref name="output"/>; returns
    /// the bytes written. With FillOrder 2, libtiff reverses the bits of the stored bytes before the codec sees them.
    /// </summary>
    internal static int Decompress(ReadOnlySpan<byte> bytes, int compression, bool lsbFirst, Span<byte> output)
    {
        byte[]? reversed = null;
        try
        {
            ReadOnlySpan<byte> stored = bytes;
            if (lsbFirst)
            {
                reversed = ArrayPool<byte>.Shared.Rent(bytes.Length);
                bytes.CopyTo(reversed);
                BitReversal.Reverse(reversed.AsSpan(0, bytes.Length));
                stored = reversed.AsSpan(0, bytes.Length);
            }

            return compression switch
            {
                32773 => UnpackBits(stored, output),
                5 => TiffLzw.Decode(stored, output),
                _ => Inflate(stored, output),
            };
        }
        finally
        {
            if (reversed is not null)
            {
                ArrayPool<byte>.Shared.Return(reversed);
            }
        }
    }

    // A strip's stored bytes: from its offset, as many as its byte count says, cut at the end of the file (libtiff
    // reads what is there); without byte counts (or uncompressed, which Pillow reads from the offset on), the rest.
    internal static ReadOnlySpan<byte> ChunkBytes(ReadOnlySpan<byte> data, TiffHeader header, int chunk)
    {
        long offset = header.ArrayValue(data, header.StripOffsets, chunk);
        if (offset < 0 || offset >= data.Length)
        {
            throw ImageIntakeException.Invalid($"The TIFF file is truncated: strip {chunk} starts at {offset}, past its end.");
        }

        long available = data.Length - offset;
        long count = header.Compression == 1 || header.StripByteCounts.Count <= chunk
            ? available
            : header.ArrayValue(data, header.StripByteCounts, chunk);
        if (count <= 0 || count > available)
        {
            count = available;
        }

        return data.Slice((int)offset, (int)count);
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

    /// <summary>PackBits (TIFF compression 32773) into <paramref name="output"/>; returns the bytes written.</summary>
    private static int UnpackBits(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int i = 0, o = 0;
        while (o < output.Length && i < input.Length)
        {
            int n = (sbyte)input[i++];
            if (n >= 0)
            {
                int take = Math.Min(n + 1, Math.Min(input.Length - i, output.Length - o));
                input.Slice(i, take).CopyTo(output[o..]);
                i += n + 1;
                o += take;
            }
            else if (n != -128 && i < input.Length)
            {
                int take = Math.Min(1 - n, output.Length - o);
                output.Slice(o, take).Fill(input[i++]);
                o += take;
            }
        }

        return o;
    }

    private static int Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(input.Length);
        try
        {
            input.CopyTo(copy);
            using var zlib = new ZLibStream(new MemoryStream(copy, 0, input.Length, writable: false), CompressionMode.Decompress);
            int total = 0;
            try
            {
                int n;
                while (total < output.Length && (n = zlib.Read(output[total..])) > 0)
                {
                    total += n;
                }
            }
            catch (InvalidDataException)
            {
                // A corrupt or cut stream: what inflated so far counts, and the caller refuses a short strip.
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
