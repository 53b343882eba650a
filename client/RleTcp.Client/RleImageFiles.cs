using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;

namespace RleTcp.Client;

/// <summary>Turns <c>.rle</c> bytes back into pictures through the protocol library's decoder and writers.</summary>
public static class RleImageFiles
{
    /// <summary>Decodes RLE bytes into a bit image; throws <see cref="RleFormatException"/> (with the offset) when malformed.</summary>
    public static BitImage Decode(ReadOnlySpan<byte> rle) => RleDecoder.Decode(rle);

    /// <summary>Decodes RLE bytes and encodes the image as <paramref name="format"/>.</summary>
    public static byte[] ToImageFile(ReadOnlySpan<byte> rle, DecodedImageFormat format)
    {
        BitImage image = RleDecoder.Decode(rle);
        return ToImageFile(image, format);
    }

    /// <summary>Decodes a compression result and encodes the image as <paramref name="format"/>.</summary>
    public static byte[] ToImageFile(this RleCompressionResult result, DecodedImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ToImageFile(result.Rle, format);
    }

    /// <summary>Encodes a bit image as <paramref name="format"/>.</summary>
    public static byte[] ToImageFile(BitImage image, DecodedImageFormat format) => format switch
    {
        DecodedImageFormat.Png => BitImageWriter.ToPng(image),
        DecodedImageFormat.Bmp => BitImageWriter.ToBmp(image),
        DecodedImageFormat.Pbm => BitImageWriter.ToPbm(image),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    /// <summary>The file extension for <paramref name="format"/>, with the dot (".png", ".bmp", ".pbm").</summary>
    public static string Extension(DecodedImageFormat format) => format switch
    {
        DecodedImageFormat.Png => ".png",
        DecodedImageFormat.Bmp => ".bmp",
        DecodedImageFormat.Pbm => ".pbm",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };
}
