using RleTcp.Protocol.Codecs;

namespace RleTcp.Server.Execution.V2;

/// <summary>
/// The codecs protocol v2 offers (HELLO's list, the codec option, DECOMPRESS inputs): the registry's, by name. The
/// textbook RLE is encoded in parallel bands by <see cref="BandedRleEncoder"/>; any other codec by its own encoder.
/// </summary>
internal static class V2Codecs
{
    /// <summary>The default codec, the one v1 answers with.</summary>
    public const string Rle = BilevelCodecs.DefaultName;

    /// <summary>Every codec name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. BilevelCodecs.All.Select(c => c.Name)];

    /// <summary>The codec named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IBilevelCodec? Find(string name) => BilevelCodecs.TryGet(name, out IBilevelCodec codec) ? codec : null;
}
