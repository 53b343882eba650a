using System.Buffers;
using System.Globalization;
using System.Text;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.Pbm;

/// <summary>
/// <c>pbm</c>: binary PBM (P4), the raw packed bits (a set bit is black), the "no compression" floor. The decoder
/// takes one image with the header Netpbm allows (comments, any whitespace) and no trailing bytes.
/// </summary>
public sealed class PbmCodec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "pbm";

    private PbmCodec()
    {
    }

    /// <summary>The one instance.</summary>
    public static PbmCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "image/x-portable-bitmap";

    /// <inheritdoc/>
    public string FileExtension => ".pbm";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options?.Validate();
        string header = string.Create(CultureInfo.InvariantCulture, $"P4\n{image.Width} {image.Height}\n");
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);

        // One span for the whole file, so a growing output is resized once, not copied row after row.
        int length = checked(header.Length + (rowBytes * image.Height));
        Span<byte> file = output.GetSpan(length)[..length];
        int at = Encoding.ASCII.GetBytes(header, file);
        // The padding bits past the width are written as 0, as Netpbm writes them (JBIG-KIT warns otherwise).
        byte padMask = (byte)(0xFF << ((rowBytes * 8) - image.Width));
        for (int y = 0; y < image.Height; y++, at += rowBytes)
        {
            Span<byte> row = file.Slice(at, rowBytes);
            image.CopyRowTo(y, row, BitOrder.MsbFirst, invert: true);
            row[rowBytes - 1] &= padMask;
        }

        output.Advance(length);
    }

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (!HasMagic(data))
        {
            throw new BilevelFormatException(CodecName, data.Length < 2 ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, 0, "not a binary PBM (no P4 signature)");
        }

        int offset = 2;
        long width = ReadNumber(data, ref offset, "width");
        long height = ReadNumber(data, ref offset, "height");
        if (offset >= data.Length || !IsSpace(data[offset]))
        {
            throw new BilevelFormatException(CodecName, BilevelFormatError.Malformed, offset, "the height is not followed by one whitespace byte");
        }

        offset++;
        BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, 3);
        int rowBytes = BitImage.BytesPerPackedRow((int)width);
        long expected = (long)rowBytes * height;
        if (data.Length - offset != expected)
        {
            throw new BilevelFormatException(
                CodecName,
                data.Length - offset < expected ? BilevelFormatError.Truncated : BilevelFormatError.Malformed,
                Math.Min(data.Length, offset + expected),
                $"a {width}x{height} image has {expected} bytes of rows, not {data.Length - offset}");
        }

        var image = BitImage.CreatePooled((int)width, (int)height);
        image.CopyFromPackedRows(data[offset..], rowBytes, BitOrder.MsbFirst, invert: true);
        return image;
    }

    /// <inheritdoc/>
    public bool HasMagic(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 'P' && data[1] == '4' && (IsSpace(data[2]) || data[2] == '#');

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    // Skips whitespace and comments, then reads a decimal number of at most 9 digits.
    private static long ReadNumber(ReadOnlySpan<byte> data, ref int offset, string what)
    {
        while (offset < data.Length && (IsSpace(data[offset]) || data[offset] == '#'))
        {
            if (data[offset] == '#')
            {
                while (offset < data.Length && data[offset] != '\n' && data[offset] != '\r')
                {
                    offset++;
                }
            }
            else
            {
                offset++;
            }
        }

        int start = offset;
        long value = 0;
        while (offset < data.Length && data[offset] is >= (byte)'0' and <= (byte)'9')
        {
            if (offset - start == 9)
            {
                throw new BilevelFormatException(CodecName, BilevelFormatError.TooLarge, start, $"the {what} has more than 9 digits");
            }

            value = (value * 10) + (data[offset] - '0');
            offset++;
        }

        if (offset == start)
        {
            throw new BilevelFormatException(
                CodecName, offset >= data.Length ? BilevelFormatError.Truncated : BilevelFormatError.Malformed, offset, $"no {what} in the header");
        }

        return value;
    }
}
