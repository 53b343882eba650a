using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Imaging;

/// <summary>The whole reference pipeline in one call: encoded image → black and white → RLE bytes.</summary>
public static class RleCompressor
{
    /// <summary>
    /// Decodes <paramref name="image"/> with <see cref="ImageIntake"/> and encodes it with <see cref="RleEncoder"/>;
    /// for lossless inputs the bytes equal Pillow 9.4's <c>convert('1')</c> followed by the textbook encoder.
    /// </summary>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    public static byte[] Compress(ReadOnlyMemory<byte> image, IntakeOptions options, CancellationToken ct = default)
    {
        using BitImage bits = ImageIntake.Decode(image, options, ct);
        ct.ThrowIfCancellationRequested();
        return RleEncoder.Encode(bits);
    }
}
