using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// Runs the library decoders in this process: the whole of <see cref="ImageIntake.Decode(ReadOnlyMemory{byte}, IntakeOptions, CancellationToken)"/>.
/// Only bounded by <see cref="CancellationToken"/> where the library checks it (ImageSharp 2.1.13: JPEG and TIFF),
/// so a hostile input can keep the calling thread forever: use it inside the decode worker, in tests and in
/// benchmarks, never on a network path (that is <see cref="DecodeSandbox"/>).
/// </summary>
public sealed class InProcessLibraryDecoder : ILibraryDecoder
{
    /// <summary>The one instance (it has no state).</summary>
    public static InProcessLibraryDecoder Instance { get; } = new();

    private InProcessLibraryDecoder()
    {
    }

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct) =>
        Decode(data, options, ConversionRequest.None, ct);

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct) =>
        RequestIntake.Decode(data, options, conversion, ct);
}
