using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;

namespace RleTcp.Fuzz;

/// <summary>
/// <see cref="ImageIntake.Decode(ReadOnlyMemory{byte}, IntakeOptions, ILibraryDecoder, CancellationToken)"/> on
/// arbitrary bytes with every format allowed and a 4-megapixel budget, and a library decoder that declines: exactly
/// the code that stays in the server process (format detection, header checks, our own readers). Only
/// <see cref="ImageIntakeException"/> may escape, and a hang (AFL++'s per-run timeout) is a server bug.
/// </summary>
/// <remarks>
/// The small budget keeps each run fast and makes the size checks part of what is fuzzed. The conversion mode
/// follows the input length's parity, so both modes are reached while every input stays deterministic. What the
/// library does with the images our readers pass on is the <see cref="LibraryDecodeTarget"/>'s.
/// </remarks>
internal sealed class ImageIntakeTarget : IFuzzTarget
{
    /// <summary>The pixel budget of the target.</summary>
    public const long MaxPixels = 4_000_000;

    private static readonly IntakeOptions Pillow = new() { MaxPixels = MaxPixels, AllowedFormats = ImageFormats.All };
    private static readonly IntakeOptions Threshold = Pillow with { Mode = ConversionMode.Threshold };

    /// <summary>The options for <paramref name="input"/> (shared with the library target).</summary>
    public static IntakeOptions OptionsFor(byte[] input) => input.Length % 2 == 0 ? Pillow : Threshold;

    /// <inheritdoc/>
    public string Name => "intake";

    /// <inheritdoc/>
    public string Asserts =>
        $"ImageIntake.Decode's own code (all formats, MaxPixels {MaxPixels}; library decodes declined) throws only ImageIntakeException and never hangs";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        try
        {
            using BitImage image = ImageIntake.Decode(input, OptionsFor(input), DecliningLibrary.Instance, CancellationToken.None);
        }
        catch (ImageIntakeException)
        {
            // The documented refusal (and the declining library's).
        }
    }

    // Stands for the sandbox: the image reached the point where a library would decode it.
    private sealed class DecliningLibrary : ILibraryDecoder
    {
        public static readonly DecliningLibrary Instance = new();

        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct) =>
            throw new ImageIntakeException(ImageIntakeError.InvalidImage, "handed to the library decoder");
    }
}
