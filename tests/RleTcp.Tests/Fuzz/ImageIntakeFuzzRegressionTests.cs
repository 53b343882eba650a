using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests.Fuzz;

/// <summary>The intake fuzz target's findings, replayed with the target's options in both conversion modes.</summary>
[Trait("Category", "Unit")]
public sealed class ImageIntakeFuzzRegressionTests
{
    /// <summary>fuzz/crashes/intake and fuzz/regressions/intake.</summary>
    public static TheoryData<string> Inputs => FuzzInputs.For("intake");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void DecodingAKeptInputThrowsOnlyImageIntakeException(string file)
    {
        byte[] data = FuzzInputs.Read(file);
        foreach (ConversionMode mode in Enum.GetValues<ConversionMode>())
        {
            // As fuzz/RleTcp.Fuzz/ImageIntakeTarget.cs: every format, a 4-megapixel budget.
            var options = new IntakeOptions { MaxPixels = 4_000_000, AllowedFormats = ImageFormats.All, Mode = mode };
            Exception? escaped = Record.Exception(() =>
            {
                using BitImage image = ImageIntake.Decode(data, options);
            });

            Assert.True(escaped is null or ImageIntakeException, $"{file} ({mode}): {escaped}");
        }
    }
}
