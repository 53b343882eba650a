using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.Jbig2;
using RleTcp.Protocol.Codecs.Pbm;
using RleTcp.Protocol.Codecs.Pdf;
using RleTcp.Protocol.Codecs.Png;
using RleTcp.Protocol.Codecs.Rle;
using RleTcp.Protocol.Codecs.TiffG4;

namespace RleTcp.Protocol.Codecs;

/// <summary>
/// Every codec by name: what protocol v2's codec option, DECOMPRESS and the server's HELLO list, and what the CLI's
/// <c>--codec</c> takes. Adding a codec is one folder and one line here.
/// </summary>
public static class BilevelCodecs
{
    /// <summary>The name of the default codec, the textbook RLE.</summary>
    public const string DefaultName = RleCodec.CodecName;

    /// <summary>Every codec, the default (<c>rle</c>) first.</summary>
    public static IReadOnlyList<IBilevelCodec> All { get; } =
    [
        RleCodec.Instance,
        PbmCodec.Instance,
        PngCodec.Instance,
        G4Codec.Instance,
        TiffG4Codec.Instance,
        Jbig2Codec.Instance,
        PdfCodec.Instance,
    ];

    /// <summary>The codec named <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryGet(string name, out IBilevelCodec codec)
    {
        ArgumentNullException.ThrowIfNull(name);

        // Indexed, not foreach: enumerating the interface allocates an enumerator, and the v2 server looks a codec up per request.
        for (int i = 0; i < All.Count; i++)
        {
            IBilevelCodec candidate = All[i];
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                codec = candidate;
                return true;
            }
        }

        codec = null!;
        return false;
    }

    /// <summary>The codec named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No codec has that name; the message lists the names.</exception>
    public static IBilevelCodec Get(string name) => TryGet(name, out IBilevelCodec codec)
        ? codec
        : throw new ArgumentException($"Unknown codec '{name}'; the codecs are {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));

    /// <summary>Encodes <paramref name="image"/> with <paramref name="codec"/> into a new array of exactly the encoded length.</summary>
    public static byte[] Encode(IBilevelCodec codec, BitImage image, BilevelEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(image);
        using var output = new ArrayPoolBufferWriter<byte>((int)Math.Min(1024 + (image.PixelCount / 16), 1 << 24));
        codec.Encode(image, output, options);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The codec whose output <paramref name="data"/> looks like: formats with a real magic number first, then the
    /// ones without (the RLE's plausible header); <c>null</c> when none matches.
    /// </summary>
    public static IBilevelCodec? Detect(ReadOnlySpan<byte> data)
    {
        foreach (IBilevelCodec candidate in All)
        {
            if (candidate is RleCodec)
            {
                continue; // no magic: only when nothing else claims the bytes
            }

            if (candidate.HasMagic(data))
            {
                return candidate;
            }
        }

        return RleCodec.Instance.HasMagic(data) ? RleCodec.Instance : null;
    }
}
