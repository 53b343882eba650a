using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Fuzz;

/// <summary>
/// <see cref="ImageIntake.Decode"/> on arbitrary bytes with every format allowed and a 4-megapixel budget:
/// only <see cref="ImageIntakeException"/> may escape; a hang is caught by AFL++'s per-run timeout.
/// </summary>
/// <remarks>
/// The small budget keeps each run fast and makes the size checks part of what is fuzzed. The conversion mode
/// follows the input length's parity, so both modes are reached while every input stays deterministic.
/// </remarks>
internal sealed class ImageIntakeTarget : IFuzzTarget
{
    /// <summary>The pixel budget of the target.</summary>
    public const long MaxPixels = 4_000_000;

    private static readonly IntakeOptions Pillow = new() { MaxPixels = MaxPixels, AllowedFormats = ImageFormats.All };
    private static readonly IntakeOptions Threshold = Pillow with { Mode = ConversionMode.Threshold };

    /// <inheritdoc/>
    public string Name => "intake";

    /// <inheritdoc/>
    public string Asserts =>
        $"ImageIntake.Decode (all formats, MaxPixels {MaxPixels}) throws only ImageIntakeException and never hangs";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        try
        {
            using BitImage image = ImageIntake.Decode(input, input.Length % 2 == 0 ? Pillow : Threshold);
        }
        catch (ImageIntakeException)
        {
            // The documented refusal.
        }
    }
}
