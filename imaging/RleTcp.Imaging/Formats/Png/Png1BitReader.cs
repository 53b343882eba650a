using System.Buffers;
using System.IO.Compression;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads a non-interlaced 1-bit PNG (grey, or a palette whose two entries map to white or black by Pillow's luma
/// rule) straight into packed rows: IDAT inflated as one zlib stream in blocks of many rows, each row unfiltered in
/// place (<see cref="PngUnfilter"/>) and stored word by word. <see cref="PngReader"/> walks the chunks first.
/// </summary>
internal static class Png1BitReader
{
    // The stream over the chunks, kept per thread between images (a small image's intake would otherwise allocate
    // it each time). Taken while in use, so a nested call on the same thread gets its own.
    [ThreadStatic]
    private static SegmentStream? t_stream;

    /// <summary>
    /// The image from its IDAT bodies (<see cref="PngChunks.Read"/>), a set bit being white when
    /// <paramref name="white1"/> and a clear one when <paramref name="white0"/>. The caller has admitted the size.
    /// </summary>
    public static BitImage Read(List<ReadOnlyMemory<byte>> idat, int width, int height, bool white0, bool white1, CancellationToken ct) =>
        Inflate(idat, width, height, white0, white1, ct);

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
