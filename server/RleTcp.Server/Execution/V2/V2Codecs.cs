using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;

namespace RleTcp.Server.Execution.V2;

/// <summary>
/// The codecs protocol v2 offers (HELLO's list, the codec option, DECOMPRESS inputs). Today only the textbook RLE;
/// the codec registry of issue 15 (<c>RleTcp.Protocol.Codecs.BilevelCodecs</c>) replaces this list when it lands,
/// and nothing else in the v2 path names a codec.
/// </summary>
internal static class V2Codecs
{
    /// <summary>The default codec, the one v1 answers with.</summary>
    public const string Rle = "rle";

    /// <summary>Every codec name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = [Rle];

    /// <summary>Whether <paramref name="name"/> is a codec this server has.</summary>
    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>Decodes <paramref name="data"/> of codec <paramref name="name"/>, refusing more than <paramref name="maxPixels"/> before allocating.</summary>
    /// <exception cref="RleFormatException">The data breaks the codec's format.</exception>
    /// <exception cref="V2ImageTooLargeException">The declared size is over the budget.</exception>
    public static BitImage Decode(string name, ReadOnlySpan<byte> data, long maxPixels)
    {
        if (name != Rle)
        {
            throw new ArgumentException($"Unknown codec '{name}'.", nameof(name));
        }

        if (RleDecoder.TryReadHeader(data, out int width, out int height) && (long)width * height > maxPixels)
        {
            throw new V2ImageTooLargeException($"The RLE image is {width}x{height} = {(long)width * height} pixels; the limit is {maxPixels}.");
        }

        return RleDecoder.Decode(data);
    }
}

/// <summary>An encoded image declares more pixels than the request's budget.</summary>
internal sealed class V2ImageTooLargeException(string message) : Exception(message);
