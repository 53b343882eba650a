using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.Png;

/// <summary>
/// <c>png</c>: a 1-bit greyscale PNG, written by <see cref="BitImageWriter.WritePng"/> (a pHYs chunk when a DPI is
/// given). The decoder reads 1-bit greyscale, non-interlaced PNGs strictly: CRCs checked, chunks in order, the
/// zlib stream exactly as long as the rows, nothing after IEND; other PNG kinds are refused as unsupported.
/// </summary>
public sealed class PngCodec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "png";

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private PngCodec()
    {
    }

    /// <summary>The one instance.</summary>
    public static PngCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "image/png";

    /// <inheritdoc/>
    public string FileExtension => ".png";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options?.Validate();
        BitImageWriter.WritePng(image, output, options?.Dpi);
    }

    /// <inheritdoc/>
    public bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (!HasMagic(data))
        {
            throw Fail(data.Length < 8 ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, 0, "not a PNG (no signature)");
        }

        int offset = 8;
        int width = 0, height = 0;
        byte[]? idat = null;
        int idatLength = 0;
        long idatOffset = -1;
        bool idatClosed = false;
        try
        {
            while (true)
            {
                if (data.Length - offset < 12)
                {
                    throw Fail(BilevelFormatError.Truncated, data.Length, "the data ends inside a chunk header (no IEND)");
                }

                uint length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
                if (length > int.MaxValue || length > data.Length - offset - 12)
                {
                    throw Fail(BilevelFormatError.Truncated, offset, $"a chunk of {length} bytes runs past the end of the data");
                }

                ReadOnlySpan<byte> type = data.Slice(offset + 4, 4);
                ReadOnlySpan<byte> body = data.Slice(offset + 8, (int)length);
                uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + (int)length)..]);
                var check = new Crc32();
                check.Append(type);
                check.Append(body);
                if (check.GetCurrentHashAsUInt32() != crc)
                {
                    throw Fail(BilevelFormatError.Malformed, offset + 8 + length, $"the CRC of chunk {Name4(type)} is wrong");
                }

                bool first = offset == 8;
                if (first != type.SequenceEqual("IHDR"u8))
                {
                    throw Fail(BilevelFormatError.Malformed, offset, first ? "the first chunk is not IHDR" : "a second IHDR");
                }

                if (type.SequenceEqual("IHDR"u8))
                {
                    (width, height) = ReadHeader(body, offset, maxPixels);
                }
                else if (type.SequenceEqual("IDAT"u8))
                {
                    if (idatClosed)
                    {
                        throw Fail(BilevelFormatError.Malformed, offset, "IDAT chunks are not consecutive");
                    }

                    // The compressed bytes are gathered once (bounded by the input's own size) and inflated row by row.
                    idat ??= ArrayPool<byte>.Shared.Rent(data.Length);
                    idatOffset = idatOffset < 0 ? offset : idatOffset;
                    body.CopyTo(idat.AsSpan(idatLength));
                    idatLength += body.Length;
                }
                else if (type.SequenceEqual("IEND"u8))
                {
                    int end = offset + 12 + (int)length;
                    if (length != 0 || end != data.Length)
                    {
                        throw Fail(BilevelFormatError.Malformed, end, length != 0 ? "IEND has data" : $"{data.Length - end} bytes follow IEND");
                    }

                    if (idat is null)
                    {
                        throw Fail(BilevelFormatError.Malformed, offset, "no IDAT chunk");
                    }

                    return Inflate(idat, idatLength, idatOffset, width, height);
                }
                else if ((type[0] & 0x20) == 0)
                {
                    throw Fail(BilevelFormatError.Unsupported, offset, $"the critical chunk {Name4(type)} (a 1-bit greyscale PNG has none)");
                }
                else if (idat is not null)
                {
                    idatClosed = true;
                }

                offset += 12 + (int)length;
            }
        }
        finally
        {
            if (idat is not null)
            {
                ArrayPool<byte>.Shared.Return(idat);
            }
        }
    }

    private static (int Width, int Height) ReadHeader(ReadOnlySpan<byte> ihdr, long offset, long maxPixels)
    {
        if (ihdr.Length != 13)
        {
            throw Fail(BilevelFormatError.Malformed, offset, $"IHDR has {ihdr.Length} bytes, not 13");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, offset + 8);
        if (ihdr[8] != 1 || ihdr[9] != 0)
        {
            throw Fail(BilevelFormatError.Unsupported, offset + 16, $"bit depth {ihdr[8]} colour type {ihdr[9]}; this reads 1-bit greyscale only");
        }

        if (ihdr[10] != 0 || ihdr[11] != 0)
        {
            throw Fail(BilevelFormatError.Malformed, offset + 18, "an unknown compression or filter method");
        }

        if (ihdr[12] != 0)
        {
            throw Fail(ihdr[12] == 1 ? BilevelFormatError.Unsupported : BilevelFormatError.Malformed, offset + 20, $"interlace method {ihdr[12]}");
        }

        return ((int)width, (int)height);
    }

    private static BitImage Inflate(byte[] compressed, int compressedLength, long offset, int width, int height)
    {
        int rowBytes = BitImage.BytesPerPackedRow(width);
        byte[] current = ArrayPool<byte>.Shared.Rent(rowBytes + 1);
        byte[] previous = ArrayPool<byte>.Shared.Rent(rowBytes + 1);
        Array.Clear(previous);
        var image = BitImage.CreatePooled(width, height);
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed, 0, compressedLength, writable: false), CompressionMode.Decompress);
            for (int y = 0; y < height; y++)
            {
                Span<byte> line = current.AsSpan(0, rowBytes + 1);
                if (zlib.ReadAtLeast(line, line.Length, throwOnEndOfStream: false) < line.Length)
                {
                    throw Fail(BilevelFormatError.Truncated, offset, $"the compressed data ends in row {y} of {height}");
                }

                Unfilter(line[0], line[1..], previous.AsSpan(1, rowBytes), offset, y);
                image.SetRow(y, line[1..]);
                (current, previous) = (previous, current);
            }

            if (zlib.Read(current.AsSpan(0, 1)) != 0)
            {
                throw Fail(BilevelFormatError.Malformed, offset, "the compressed data holds more than the rows");
            }

            return image;
        }
        catch (InvalidDataException e)
        {
            image.Dispose();
            throw Fail(BilevelFormatError.Malformed, offset, "the zlib stream is corrupt", e); // .NET's text stays the inner exception
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(previous);
        }
    }

    // PNG's five filters with one byte per pixel (a 1-bit image counts whole bytes).
    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> above, long offset, int y)
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
                    row[i] += above[i];
                }

                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += (byte)(((i > 0 ? row[i - 1] : 0) + above[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i > 0 ? row[i - 1] : 0, b = above[i], c = i > 0 ? above[i - 1] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                break;
            default:
                throw Fail(BilevelFormatError.Malformed, offset, $"filter type {filter} in row {y}");
        }
    }

    private static string Name4(ReadOnlySpan<byte> type) =>
        string.Create(4, type.ToArray(), (span, bytes) =>
        {
            for (int i = 0; i < 4; i++)
            {
                span[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
            }
        });

    private static BilevelFormatException Fail(BilevelFormatError error, long offset, string detail, Exception? inner = null) =>
        new(CodecName, error, offset, detail, inner);
}
