using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;

namespace RleTcp.Client;

/// <summary>An RLE image the server (or a local compression) produced, with its header already read.</summary>
public sealed class RleCompressionResult
{
    private RleCompressionResult(byte[] rle, int width, int height)
    {
        Rle = rle;
        Width = width;
        Height = height;
    }

    /// <summary>The RLE bytes, header included, exactly as sent by the server.</summary>
    public byte[] Rle { get; }

    /// <summary>Width in pixels, from the RLE header.</summary>
    public int Width { get; }

    /// <summary>Height in pixels, from the RLE header.</summary>
    public int Height { get; }

    /// <summary>Wraps RLE bytes, reading width and height from their header.</summary>
    /// <exception cref="InvalidDataException">The bytes do not start with a valid RLE header.</exception>
    public static RleCompressionResult FromRle(byte[] rle)
    {
        ArgumentNullException.ThrowIfNull(rle);
        if (!RleDecoder.TryReadHeader(rle, out int width, out int height) || width == 0 || height == 0)
        {
            throw new InvalidDataException($"The {rle.Length}-byte answer does not start with a valid RLE header.");
        }

        return new RleCompressionResult(rle, width, height);
    }

    /// <summary>The result of a compression answer: its RLE body when OK, else the server's refusal as an exception.</summary>
    /// <exception cref="RleTcpException">The answer is not OK.</exception>
    internal static RleCompressionResult FromResponse(RleTcpResponse response)
    {
        response.EnsureOk();
        return FromRle(response.Body);
    }

    /// <summary>Refuses an empty image before it is sent: an empty frame is a ping, whose OK answer has no RLE body.</summary>
    internal static ReadOnlyMemory<byte> CheckImage(ReadOnlyMemory<byte> image) =>
        image.IsEmpty
            ? throw new ArgumentException("The image is empty (an empty frame is a ping, not an image).", nameof(image))
            : image;

    /// <summary>Decodes the runs into a bit image (strict: a malformed body throws <see cref="RleFormatException"/>).</summary>
    public BitImage ToBitImage() => RleDecoder.Decode(Rle);
}
