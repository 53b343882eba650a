using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Imaging;

/// <summary>
/// <see cref="RleCompressor"/> for any codec: encoded image → black and white → the codec's bytes, in one call.
/// </summary>
public static class BilevelCompressor
{
    /// <summary>
    /// Decodes <paramref name="image"/> with <see cref="ImageIntake"/> (the same bits the RLE is made of) and encodes
    /// them with <paramref name="codec"/>.
    /// </summary>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    public static byte[] Compress(
        ReadOnlyMemory<byte> image, IBilevelCodec codec, IntakeOptions options, BilevelEncodeOptions? encodeOptions = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(codec);
        using BitImage bits = ImageIntake.Decode(image, options, ct);
        ct.ThrowIfCancellationRequested();
        return BilevelCodecs.Encode(codec, bits, encodeOptions);
    }

    /// <summary>As <see cref="Compress(ReadOnlyMemory{byte}, IBilevelCodec, IntakeOptions, BilevelEncodeOptions?, CancellationToken)"/>, the codec by name.</summary>
    /// <exception cref="ArgumentException">No codec has that name.</exception>
    public static byte[] Compress(
        ReadOnlyMemory<byte> image, string codecName, IntakeOptions options, BilevelEncodeOptions? encodeOptions = null, CancellationToken ct = default) =>
        Compress(image, BilevelCodecs.Get(codecName), options, encodeOptions, ct);
}
