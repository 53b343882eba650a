using System.Buffers;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs;

/// <summary>
/// One way to store a packed 1-bit image: an encoder to a buffer writer and a strict, hostile-input-safe decoder.
/// Implementations are stateless and thread-safe; <see cref="BilevelCodecs"/> holds one of each by name.
/// </summary>
public interface IBilevelCodec
{
    /// <summary>The registry name, lower case (<c>rle</c>, <c>pbm</c>, <c>png</c>, <c>g4</c>, <c>tiff-g4</c>, <c>jbig2</c>, <c>pdf</c>).</summary>
    string Name { get; }

    /// <summary>The media type of the encoded bytes (for example <c>image/tiff</c>).</summary>
    string MediaType { get; }

    /// <summary>The usual file extension of the encoded bytes, with the dot (for example <c>.tif</c>).</summary>
    string FileExtension { get; }

    /// <summary>Encodes <paramref name="image"/> and appends the bytes to <paramref name="output"/>.</summary>
    /// <param name="image">The image; <c>true</c> pixels are white.</param>
    /// <param name="output">Receives the encoded bytes.</param>
    /// <param name="options">Resolution and codec-specific choices; <c>null</c> takes every default.</param>
    void Encode(BitImage image, IBufferWriter<byte> output, BilevelEncodeOptions? options = null);

    /// <summary>
    /// Decodes <paramref name="data"/>, which must be exactly one encoded image (trailing bytes are an error).
    /// Nothing larger than <paramref name="maxPixels"/> pixels is allocated: the size is checked before the bitmap is.
    /// </summary>
    /// <returns>The image; its storage may be pooled, so dispose it when done.</returns>
    /// <exception cref="BilevelFormatException">The data is malformed, unsupported, or larger than <paramref name="maxPixels"/>.</exception>
    BitImage Decode(ReadOnlySpan<byte> data, long maxPixels);

    /// <summary>
    /// True when <paramref name="data"/> starts the way this codec's output does. For the formats without a magic
    /// number (<c>rle</c>, <c>g4</c>) this is a plausibility check only; <see cref="BilevelCodecs.Detect"/> asks
    /// them last.
    /// </summary>
    bool HasMagic(ReadOnlySpan<byte> data);
}
