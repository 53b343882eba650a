using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace RleTcp.Protocol.Imaging.Formats;

/// <summary>
/// Reads a non-interlaced 1-bit PNG (grey, or a palette whose two entries map to white or black by Pillow's luma
/// rule) straight into packed rows: chunks walked and CRC-checked, IDAT inflated as one zlib stream, each row
/// unfiltered with one byte per pixel group, as the PNG specification prescribes for bit depths below 8.
/// </summary>
internal static class Png1BitReader
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The image, or null when the file is not a non-interlaced 1-bit grey or two-colour palette PNG.</summary>
    public static BitImage? TryRead(ReadOnlyMemory<byte> file, CancellationToken ct)
    {
        ReadOnlySpan<byte> data = file.Span;
        if (data.Length < 8 + 25 || !data[..8].SequenceEqual(Signature) || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        ReadOnlySpan<byte> ihdr = data.Slice(16, 13);
        int width = BinaryPrimitives.ReadInt32BigEndian(ihdr);
        int height = BinaryPrimitives.ReadInt32BigEndian(ihdr[4..]);
        byte bitDepth = ihdr[8], colorType = ihdr[9], interlace = ihdr[12];
        if (bitDepth != 1 || colorType is not (0 or 3) || interlace != 0 || ihdr[10] != 0 || ihdr[11] != 0)
        {
            return null;
        }

        var idat = new List<ReadOnlyMemory<byte>>();
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

    private static BitImage Inflate(List<ReadOnlyMemory<byte>> idat, int width, int height, bool white0, bool white1, CancellationToken ct)
    {
        int rowBytes = BitImage.BytesPerPackedRow(width);
        byte[] previous = ArrayPool<byte>.Shared.Rent(rowBytes + 1);
        byte[] current = ArrayPool<byte>.Shared.Rent(rowBytes + 1);
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            Array.Clear(previous, 0, rowBytes + 1);
            using var zlib = new ZLibStream(new SegmentStream(idat), CompressionMode.Decompress);
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                Span<byte> row = current.AsSpan(0, rowBytes + 1);
                try
                {
                    zlib.ReadExactly(row);
                }
                catch (EndOfStreamException)
                {
                    throw ImageIntakeException.Invalid($"The PNG image data ends at row {y} of {height}.");
                }

                Unfilter(row[0], row[1..], previous.AsSpan(1, rowBytes), y);
                if (white0 == white1)
                {
                    image.Row(y).Fill(white0 ? ulong.MaxValue : 0);
                    image.Row(y)[^1] &= image.LastWordMask;
                }
                else
                {
                    image.SetRow(y, row[1..], BitOrder.MsbFirst, invert: white0);
                }

                (previous, current) = (current, previous);
            }

            return image;
        }
        catch (InvalidDataException ex)
        {
            image.Dispose();
            throw ImageIntakeException.Invalid($"The PNG image data is not a valid zlib stream: {ex.Message}", ex);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(previous);
            ArrayPool<byte>.Shared.Return(current);
        }
    }

    // PNG filters with bpp = 1 byte (bit depths below 8 use one byte as the unit).
    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int y)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = 1; i < row.Length; i++)
                {
                    row[i] += row[i - 1];
                }

                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += up[i];
                }

                break;
            case 3:
                row[0] += (byte)(up[0] >> 1);
                for (int i = 1; i < row.Length; i++)
                {
                    row[i] += (byte)((row[i - 1] + up[i]) >> 1);
                }

                break;
            case 4:
                row[0] += up[0];
                for (int i = 1; i < row.Length; i++)
                {
                    row[i] += Paeth(row[i - 1], up[i], up[i - 1]);
                }

                break;
            default:
                throw ImageIntakeException.Invalid($"The PNG row {y} has an unknown filter type {filter}.");
        }
    }

    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>The IDAT chunk bodies read one after another, without copying them together.</summary>
    private sealed class SegmentStream(List<ReadOnlyMemory<byte>> segments) : Stream
    {
        private int _index;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_index < segments.Count && _offset == segments[_index].Length)
            {
                _index++;
                _offset = 0;
            }

            if (_index == segments.Count || buffer.IsEmpty)
            {
                return 0;
            }

            ReadOnlySpan<byte> rest = segments[_index].Span[_offset..];
            int n = Math.Min(rest.Length, buffer.Length);
            rest[..n].CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
