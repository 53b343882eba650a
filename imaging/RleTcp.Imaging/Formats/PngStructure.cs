using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Checks that a PNG's chunks are all inside the payload up to IEND. ImageSharp 2.1.13 decodes a truncated PNG
/// without complaint (missing rows come out black), where Pillow refuses it as truncated; the same holds for a zlib
/// stream that ends before the rows do, which <see cref="CheckImageDataComplete"/> catches for the ImageSharp path.
/// </summary>
internal static class PngStructure
{
    public static void CheckComplete(ReadOnlySpan<byte> data)
    {
        for (long pos = 8; ;)
        {
            if (pos + 12 > data.Length)
            {
                throw ImageIntakeException.Invalid("The PNG file is truncated: it ends before its IEND chunk.");
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            if (pos + 12 + length > data.Length)
            {
                throw ImageIntakeException.Invalid($"The PNG file is truncated: the chunk at offset {pos} runs past its end.");
            }

            if (data.Slice((int)pos + 4, 4).SequenceEqual("IEND"u8))
            {
                return;
            }

            pos += 12 + length;
        }
    }

    // Adam7 passes: x start, y start, x step, y step.
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    /// <summary>
    /// Inflates the IDAT stream (without keeping it) and refuses a PNG whose stream ends before the IHDR's rows do.
    /// Called after <see cref="CheckComplete"/> and the pixel budget, so the work is bounded by an admitted image's size;
    /// it stops reading as soon as the expected bytes have arrived, so trailing data cannot make it run longer.
    /// </summary>
    public static void CheckImageDataComplete(ReadOnlyMemory<byte> file, CancellationToken ct)
    {
        ReadOnlySpan<byte> data = file.Span;
        ReadOnlySpan<byte> ihdr = data.Slice(16, 13);
        long width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        long height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        int channels = ihdr[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        int bits = ihdr[8] * channels;
        if (bits == 0 || width == 0 || height == 0)
        {
            return; // Not a layout this check knows; ImageSharp refuses it.
        }

        long expected = 0;
        if (ihdr[12] == 0)
        {
            expected = height * (1 + (((width * bits) + 7) / 8));
        }
        else
        {
            for (int p = 0; p < Adam7.Length; p += 4)
            {
                long passWidth = (width - Adam7[p] + Adam7[p + 2] - 1) / Adam7[p + 2];
                long passHeight = (height - Adam7[p + 1] + Adam7[p + 3] - 1) / Adam7[p + 3];
                if (passWidth > 0 && passHeight > 0)
                {
                    expected += passHeight * (1 + (((passWidth * bits) + 7) / 8));
                }
            }
        }

        var idat = new List<ReadOnlyMemory<byte>>();
        for (int pos = 8; pos + 12 <= data.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Add(file.Slice(pos + 8, length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            pos += 12 + length;
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var zlib = new ZLibStream(new SegmentStream(idat), CompressionMode.Decompress);
            long inflated = 0;
            while (inflated < expected)
            {
                ct.ThrowIfCancellationRequested();
                int read = zlib.Read(scratch, 0, (int)Math.Min(scratch.Length, expected - inflated));
                if (read == 0)
                {
                    throw ImageIntakeException.Invalid(
                        $"The PNG image data is truncated: its zlib stream ends after {inflated} of {expected} bytes.");
                }

                inflated += read;
            }
        }
        catch (InvalidDataException ex)
        {
            throw ImageIntakeException.Invalid("The PNG image data is not a valid zlib stream.", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
