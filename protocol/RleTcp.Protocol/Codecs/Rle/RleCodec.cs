using System.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;

namespace RleTcp.Protocol.Codecs.Rle;

/// <summary>
/// The textbook RLE (docs/PROTOCOL.md) as a codec: the bytes of <see cref="RleEncoder"/> and <see cref="RleDecoder"/>,
/// unchanged. The format has no magic number, so <see cref="HasMagic"/> only checks that the header is plausible.
/// </summary>
public sealed class RleCodec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "rle";

    private RleCodec()
    {
    }

    /// <summary>The one instance.</summary>
    public static RleCodec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "application/x-rletcp-rle";

    /// <inheritdoc/>
    public string FileExtension => ".rle";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options?.Validate();
        RleEncoder.Encode(image, output);
    }

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (RleDecoder.TryReadHeader(data, out int width, out int height) && width > 0 && height > 0)
        {
            // The budget is checked on the header, before the decoder allocates the bitmap.
            BilevelFormatException.ThrowIfTooLarge(CodecName, width, height, maxPixels, 0);
        }

        try
        {
            return RleDecoder.Decode(data);
        }
        catch (RleFormatException e)
        {
            BilevelFormatError error = e.Error is RleFormatError.TruncatedHeader or RleFormatError.TruncatedData
                ? BilevelFormatError.Truncated
                : BilevelFormatError.Malformed;
            throw new BilevelFormatException(CodecName, error, e.Offset, e.Message, e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A plausible header: both sides non-zero, and at least one run byte per 127-pixel chunk of every row.
    /// </remarks>
    public bool HasMagic(ReadOnlySpan<byte> data)
    {
        if (!RleDecoder.TryReadHeader(data, out int width, out int height) || width == 0 || height == 0)
        {
            return false;
        }

        long minimum = RleFormat.HeaderSize + ((long)height * ((width + RleFormat.ChunkPixels - 1) / RleFormat.ChunkPixels));
        return data.Length >= minimum && data.Length <= RleFormat.HeaderSize + ((long)width * height);
    }
}
