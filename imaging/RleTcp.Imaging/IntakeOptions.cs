using RleTcp.Protocol.Bits;
using RleTcp.Protocol.V2;

namespace RleTcp.Imaging;

/// <summary>Limits and rules for turning an encoded image into a <see cref="BitImage"/>.</summary>
public sealed record IntakeOptions
{
    /// <summary>The defaults: 100 million pixels, Pillow conversion, every format.</summary>
    public static IntakeOptions Default { get; } = new();

    /// <summary>The largest <c>width * height</c> accepted; larger images are refused before decoding.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>How grey and colour pixels become black or white.</summary>
    public ConversionMode Mode { get; init; } = ConversionMode.Pillow;

    /// <summary>The container formats accepted; any other is refused as <see cref="ImageIntakeError.InvalidImage"/>.</summary>
    public ImageFormats AllowedFormats { get; init; } = ImageFormats.All;

    /// <summary>
    /// With <see cref="ConversionMode.Threshold"/>: a pixel is white when its luma is at least this (0..255). Default 128,
    /// Pillow's own threshold; any other level bypasses the packed 1-bit fast paths (a palette's colours move with it).
    /// </summary>
    public byte ThresholdLevel { get; init; } = 128;

    /// <summary>
    /// Threads that may take part in one image's intake (null: the calling thread alone). A grey or colour PNG of
    /// several blocks of rows then unfilters on one while the other converts the rows already unfiltered; the bits are
    /// the same either way.
    /// </summary>
    public IIntakeHelpers? Helpers { get; init; }

    /// <summary>
    /// PNG image data through .NET's <c>ZLibStream</c> even where libdeflate is installed: the fallback path, which the
    /// tests run beside the native one on the same machine.
    /// </summary>
    internal bool ManagedInflate { get; init; }

    /// <summary>
    /// A PNG of any continuous-tone layout streams its inflate beside the conversion when a helper is idle, not only
    /// 8-bit grey, where it measured a gain: for the tests and benchmarks that check and time the other layouts.
    /// </summary>
    internal bool StreamEveryLayout { get; init; }

    /// <summary>The level the bilevel writer thresholds at: <see cref="ThresholdLevel"/> in threshold mode, else Pillow's 128.</summary>
    internal byte Level => Mode == ConversionMode.Threshold ? ThresholdLevel : (byte)128;

    /// <summary>
    /// The page or frame to convert, counted from 0: Pillow 9.4's <c>seek(Page)</c> before <c>convert('1')</c>.
    /// Formats that hold one image have only page 0; a page the file does not have is refused as
    /// <see cref="ImageIntakeError.InvalidImage"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Page
    {
        get => _page;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _page = value;
        }
    }

    private readonly int _page;

    /// <summary>
    /// These options with protocol v2's intake options applied: the request's conversion and threshold level (these
    /// options' <see cref="Mode"/> when the request names neither) and the smaller of the two pixel limits. The one
    /// mapping the server and the CLI's <c>--local</c> share (<see cref="ConversionRequest.From"/> has the rest).
    /// </summary>
    /// <param name="o">The request's options (already checked).</param>
    public IntakeOptions With(V2RequestOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return this with
        {
            MaxPixels = Math.Min(MaxPixels, (long)Math.Min(o.MaxPixels ?? ulong.MaxValue, long.MaxValue)),
            Mode = o.Conversion is null && o.ThresholdLevel is null
                ? Mode
                : o.EffectiveConversion == V2Conversion.Threshold ? ConversionMode.Threshold : ConversionMode.Pillow,
            ThresholdLevel = o.ThresholdLevel ?? ThresholdLevel,
        };
    }
}
