using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// Decodes the images our own bounded readers do not take, with a library that is not ours (ImageSharp today).
/// <see cref="ImageIntake"/> calls it after its own header checks and fast paths.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="InProcessLibraryDecoder"/> (runs the library here; used inside the decode worker
/// process and by tests of the decoding itself) and <see cref="DecodeSandbox"/> (a pool of worker processes, each
/// with a memory cap, killed when the deadline passes; used by the server and <c>rletcp compress --local</c>).
/// </remarks>
public interface ILibraryDecoder
{
    /// <summary>Decodes <paramref name="data"/> and converts it to black and white as <see cref="ImageIntake"/> does.</summary>
    /// <returns>An image whose storage is pooled: dispose it when done.</returns>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the deadline passed).</exception>
    /// <exception cref="DecodeSandboxException">The decoder itself failed (its process died or could not start).</exception>
    BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct) =>
        Decode(data, options, ConversionRequest.None, ct);

    /// <summary>
    /// Decodes <paramref name="data"/> as <see cref="RequestIntake"/> does with <paramref name="conversion"/> (page,
    /// resize, inversion): the whole of it runs where the library runs, since a resize decodes through the library.
    /// </summary>
    /// <returns>An image whose storage is pooled: dispose it when done.</returns>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the deadline passed).</exception>
    /// <exception cref="DecodeSandboxException">The decoder itself failed (its process died or could not start).</exception>
    BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct);
}
