using System.Buffers;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.G4;

/// <summary>
/// <c>g4</c>: a raw CCITT T.6 stream (fax convention, 0 = white, MSB first, ending with EOFB), byte-identical to the
/// strip libtiff writes; for embedding in a container of your own. It carries no width, so it has no magic and
/// the registry's one-argument <see cref="Decode(ReadOnlySpan{byte}, long)"/> cannot read it: use
/// <see cref="Decode(ReadOnlySpan{byte}, int, long)"/> with the width, or <c>tiff-g4</c>, which carries it.
/// </summary>
public sealed class G4Codec : IBilevelCodec
{
    /// <summary>The registry name.</summary>
    public const string CodecName = "g4";

    private G4Codec()
    {
    }

    /// <summary>The one instance.</summary>
    public static G4Codec Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => CodecName;

    /// <inheritdoc/>
    public string MediaType => "application/x-ccitt-t6";

    /// <inheritdoc/>
    public string FileExtension => ".g4";

    /// <inheritdoc/>
    public void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null)
    {
        options?.Validate();
        G4Encoder.Encode(image, output);
    }

    /// <inheritdoc/>
    /// <exception cref="BilevelFormatException">Always <see cref="BilevelFormatError.Unsupported"/>: a raw T.6 stream does not say its width.</exception>
    public BitImage Decode(ReadOnlySpan<byte> data, long maxPixels) =>
        throw new BilevelFormatException(
            CodecName, BilevelFormatError.Unsupported, 0, "a raw G4 stream does not carry its width; decode it with the width given, or send tiff-g4");

    /// <summary>Decodes a raw T.6 stream of rows <paramref name="width"/> pixels wide, up to its EOFB.</summary>
    /// <returns>A pooled image; dispose it when done.</returns>
    /// <exception cref="BilevelFormatException">The stream is malformed, truncated or over budget.</exception>
    public BitImage Decode(ReadOnlySpan<byte> data, int width, long maxPixels) =>
        G4Decoder.Decode(data, width, height: null, maxPixels);

    /// <inheritdoc/>
    /// <remarks>Always false: a T.6 stream has no signature, so it is never guessed.</remarks>
    public bool HasMagic(ReadOnlySpan<byte> data) => false;
}
