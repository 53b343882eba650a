using System.CommandLine;
using RleTcp.Imaging;
using RleTcp.Protocol.V2;

namespace RleTcp.Cli.Common;

/// <summary>
/// The per-request options of protocol v2 on the command line (<c>--threshold --invert --page --width --height
/// --filter --codec --deadline</c>), shared by <c>compress</c> and <c>load</c>. Through a server they travel as v2
/// options; with <c>--local</c> the same intake applies them in this process.
/// </summary>
/// <param name="withCodec">Whether <c>--codec</c> is one of them (<c>compress</c> has its own, with the encoder settings).</param>
internal sealed class RequestOptionSet(bool withCodec = true)
{
    private readonly Option<int?> _threshold = new("--threshold")
    {
        Description = "Threshold conversion at this level (0-255: white when luma >= level) instead of Pillow's dither.",
        HelpName = "level",
    };

    private readonly Option<bool> _invert = new("--invert") { Description = "Swap black and white." };
    private readonly Option<int?> _page = new("--page") { Description = "The GIF frame or TIFF page to convert, from 0.", HelpName = "n" };
    private readonly Option<int?> _width = new("--width") { Description = "Resize to this width first (aspect kept).", HelpName = "px" };
    private readonly Option<int?> _height = new("--height") { Description = "Resize to this height first (aspect kept).", HelpName = "px" };

    private readonly Option<string?> _filter = new("--filter")
    {
        Description = $"The resize filter: {string.Join(", ", V2RequestOptions.Filters)} (default bicubic).",
        HelpName = "name",
    };

    private readonly Option<string?> _codec = new("--codec") { Description = "The output codec (default rle).", HelpName = "name" };
    private readonly Option<int?> _deadline = new("--deadline") { Description = "Each request's deadline in ms (protocol v2).", HelpName = "ms" };

    /// <summary>Adds the options to <paramref name="command"/>, with their range checks.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _threshold, _invert, _page, _width, _height, _filter, _codec, _deadline })
        {
            if (withCodec || option != _codec)
            {
                command.Options.Add(option);
            }
        }

        Range(_threshold, 0, 255);
        Range(_page, 0, int.MaxValue);
        Range(_width, 1, 65535);
        Range(_height, 1, 65535);
        Range(_deadline, 1, int.MaxValue);
        _filter.Validators.Add(r =>
        {
            if (OptionValues.TryGet(r, out string? f) && f is not null && !V2RequestOptions.Filters.Contains(f))
            {
                r.AddError($"--filter: '{f}' is not one of {string.Join(", ", V2RequestOptions.Filters)}.");
            }
        });
    }

    /// <summary>The v2 options given (with <paramref name="mode"/> threshold as a conversion when no level is).</summary>
    public V2RequestOptions Read(ParseResult result, ConversionMode mode)
    {
        return WithMode(new V2RequestOptions
        {
            ThresholdLevel = (byte?)result.GetValue(_threshold),
            Invert = result.GetValue(_invert),
            Page = (uint?)result.GetValue(_page),
            Width = (ushort?)result.GetValue(_width),
            Height = (ushort?)result.GetValue(_height),
            Filter = result.GetValue(_filter),
            Codec = withCodec ? result.GetValue(_codec) : null,
            DeadlineMs = (uint?)result.GetValue(_deadline),
        }, mode);
    }

    /// <summary>
    /// <paramref name="request"/> with <c>--mode threshold</c> as its conversion when it does not threshold already:
    /// how the CLI's conversion mode travels to a server (and reaches <see cref="IntakeOptions.With"/> locally).
    /// </summary>
    public static V2RequestOptions WithMode(V2RequestOptions request, ConversionMode mode) =>
        mode == ConversionMode.Threshold && request.EffectiveConversion != V2Conversion.Threshold
            ? request with { Conversion = V2Conversion.Threshold }
            : request;

    private static void Range(Option<int?> option, int min, int max) => option.Validators.Add(r =>
    {
        if (OptionValues.TryGet(r, out int? value) && value is { } v && (v < min || v > max))
        {
            r.AddError($"{option.Name} must be {min}..{max}, not {v}.");
        }
    });
}
