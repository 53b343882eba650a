using RleTcp.Imaging;
using RleTcp.Protocol.V2;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The one mapping from protocol v2's request options to the intake (<see cref="IntakeOptions.With"/>,
/// <see cref="ConversionRequest.From"/>), which the server and the CLI's <c>--local</c> both use.
/// </summary>
[Trait("Category", "Unit")]
public class V2IntakeMappingTests
{
    private static readonly IntakeOptions ServerDefaults = new()
    {
        MaxPixels = 1_000_000,
        Mode = ConversionMode.Threshold,
        AllowedFormats = ImageFormats.Png,
    };

    [Fact]
    public void ARequestNamingNoConversionKeepsTheDefaultModeAndFormats()
    {
        IntakeOptions intake = ServerDefaults.With(new V2RequestOptions { Invert = true });

        Assert.Equal(ServerDefaults, intake);
    }

    [Fact]
    public void AThresholdLevelAloneMeansThresholdAtThatLevel()
    {
        IntakeOptions intake = IntakeOptions.Default.With(new V2RequestOptions { ThresholdLevel = 200 });

        Assert.Equal(ConversionMode.Threshold, intake.Mode);
        Assert.Equal(200, intake.ThresholdLevel);
    }

    [Fact]
    public void AnExplicitPillowConversionOverridesAThresholdDefault()
    {
        IntakeOptions intake = ServerDefaults.With(new V2RequestOptions { Conversion = V2Conversion.Pillow });

        Assert.Equal(ConversionMode.Pillow, intake.Mode);
        Assert.Equal(128, intake.ThresholdLevel);
    }

    [Theory]
    [InlineData(500UL, 500L)]
    [InlineData(5_000_000UL, 1_000_000L)]
    [InlineData(ulong.MaxValue, 1_000_000L)]
    public void TheSmallerPixelLimitWins(ulong requested, long expected)
    {
        Assert.Equal(expected, ServerDefaults.With(new V2RequestOptions { MaxPixels = requested }).MaxPixels);
    }

    [Fact]
    public void PageResizeAndInvertBecomeTheConversionRequest()
    {
        ConversionRequest conversion = ConversionRequest.From(
            new V2RequestOptions { Page = 3, Width = 40, Filter = "lanczos3", Invert = true });

        Assert.Equal(new ConversionRequest { Page = 3, Width = 40, Filter = "lanczos3", Invert = true }, conversion);
    }

    [Fact]
    public void EmptyOptionsAreExactlyTheV1Conversion()
    {
        Assert.Equal(ConversionRequest.None, ConversionRequest.From(V2RequestOptions.None));
    }

    [Fact]
    public void APageBeyondIntRangeIsClampedForTheReaderToRefuse()
    {
        Assert.Equal(int.MaxValue, ConversionRequest.From(new V2RequestOptions { Page = uint.MaxValue }).Page);
    }
}
