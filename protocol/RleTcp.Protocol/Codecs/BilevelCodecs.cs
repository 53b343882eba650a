using RleTcp.Protocol.Codecs.Rle;

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
    ];

    /// <summary>The codec named <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryGet(string name, out IBilevelCodec codec)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (IBilevelCodec candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                codec = candidate;
                return true;
            }
        }

        codec = null!;
        return false;
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
