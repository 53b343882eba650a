using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads a non-interlaced 1-bit PNG (grey, or a palette whose two entries map to white or black by Pillow's luma
/// rule) straight into packed rows: chunks walked and CRC-checked, IDAT inflated as one zlib stream in blocks of
/// many rows, each row unfiltered in place (<see cref="PngUnfilter"/>) and stored word by word.
/// </summary>
internal static class Png1BitReader
{
    // The chunk list and its stream, kept per thread between images (a small image's intake would otherwise allocate
    // both each time). Taken while in use, so a nested call on the same thread gets its own.
    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? t_idat;

    [ThreadStatic]
    private static SegmentStream? t_stream;

    /// <summary>
    /// The image, or null when the palette cannot be read this way (fewer than two entries). The caller has read
    /// <paramref name="header"/> with <see cref="PngHeader.Read"/>, checked <see cref="PngHeader.IsPacked1Bit"/>
    /// and admitted its size.
    /// </summary>
    public static BitImage? TryRead(ReadOnlyMemory<byte> file, PngHeader header, CancellationToken ct)
    {
        ReadOnlySpan<byte> data = file.Span;
        int width = header.Width, height = header.Height;
        byte colorType = header.ColorType;

        List<ReadOnlyMemory<byte>> idat = t_idat ?? [];
        t_idat = null;
        try
        {
            return TryRead(file, data, width, height, colorType, idat, ct);
        }
        finally
        {
            // Drops the references into the payload, which goes back to its pool.
            idat.Clear();
            t_idat = idat;
        }
    }

    private static BitImage? TryRead(
        ReadOnlyMemory<byte> file, ReadOnlySpan<byte> data, int width, int height, byte colorType, List<ReadOnlyMemory<byte>> idat, CancellationToken ct)
    {
        ReadOnlySpan<byte> palette = default;
        for (int pos = 8; ;)
        {
            if (pos + 12 > data.Length)
            {
                throw ImageIntakeException.Invalid("The PNG file ends before its IEND chunk.");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            if (length > int.MaxValue || pos + 12L + length > data.Length)
            {
                throw ImageIntakeException.Invalid($"The PNG chunk at offset {pos} runs past the end of the file.");
            }

            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            ReadOnlySpan<byte> body = data.Slice(pos + 8, (int)length);
            bool critical = (type[0] & 0x20) == 0;
            if (critical && System.IO.Hashing.Crc32.HashToUInt32(data.Slice(pos + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]))
            {
                throw ImageIntakeException.Invalid($"The PNG {System.Text.Encoding.ASCII.GetString(type)} chunk has a bad CRC.");
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Add(file.Slice(pos + 8, (int)length));
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                palette = body;
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            pos += 12 + (int)length;
        }

        bool white0 = false, white1 = true;
        if (colorType == 3)
        {
            if (palette.Length < 6)
            {
                return null; // Index 1 has no colour; leave the oddity to ImageSharp.
            }

            white0 = PillowBilevel.Luma1000(palette[0], palette[1], palette[2]) >= 128_000;
            white1 = PillowBilevel.Luma1000(palette[3], palette[4], palette[5]) >= 128_000;
        }

        return Inflate(idat, width, height, white0, white1, ct);
    }

    // Rows are inflated this many bytes at a time (rounded down to whole rows, at least one): large reads keep the
    // per-call cost of the inflater negligible, while the block stays in L2 for the unfilter and SetRow passes that
    // read it straight after. It also bounds the scratch memory whatever the image size.
    private const int BlockBytes = 128 * 1024;

    private static BitImage Inflate(List<ReadOnlyMemory<byte>> idat, int width, int height, bool white0, bool white1, CancellationToken ct)
    {
        int rowBytes = BitImage.BytesPerPackedRow(width);
        int stride = rowBytes + 1;
        int blockRows = Math.Clamp(BlockBytes / stride, 1, height);

        // Slot 0 holds the last unfiltered row of the previous block (zeros above the first row); slots 1..blockRows
        // receive the filtered rows, each with its filter byte, and are unfiltered in place.
        int scratchLength = stride * (blockRows + 1);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(scratchLength);
        BitImage image = BitImage.CreatePooled(width, height);
        SegmentStream segments = t_stream ?? new SegmentStream(idat);
        t_stream = null;
        segments.Reset(idat);
        try
        {
            Array.Clear(scratch, 0, stride);
            using var zlib = new ZLibStream(segments, CompressionMode.Decompress, leaveOpen: true);
            for (int first = 0; first < height; first += blockRows)
            {
                int rows = Math.Min(blockRows, height - first);
                Span<byte> block = scratch.AsSpan(stride, rows * stride);
                int read = zlib.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                if (read < block.Length)
                {
                    throw ImageIntakeException.Invalid($"The PNG image data ends at row {first + (read / stride)} of {height}.");
                }

                for (int r = 1; r <= rows; r++)
                {
                    ct.ThrowIfCancellationRequested();
                    int y = first + r - 1;
                    Span<byte> row = scratch.AsSpan((r * stride) + 1, rowBytes);
                    PngUnfilter.Apply(scratch[r * stride], row, scratch.AsSpan(((r - 1) * stride) + 1, rowBytes), y);
                    if (white0 == white1)
                    {
                        image.Row(y).Fill(white0 ? ulong.MaxValue : 0);
                        image.Row(y)[^1] &= image.LastWordMask;
                    }
                    else
                    {
                        image.SetRow(y, row, BitOrder.MsbFirst, invert: white0);
                    }
                }

                scratch.AsSpan(rows * stride, stride).CopyTo(scratch);
            }

            return image;
        }
        catch (InvalidDataException ex)
        {
            image.Dispose();
            throw ImageIntakeException.Invalid("The PNG image data is not a valid zlib stream.", ex);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            t_stream = segments;
        }
    }
}
