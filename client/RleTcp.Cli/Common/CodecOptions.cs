using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Cli.Common;

/// <summary>The codec choice of <c>compress</c>: <c>--codec</c>, <c>--dpi</c>, <c>--pdf-image</c>.</summary>
internal sealed class CodecOptions
{
    public Option<IBilevelCodec> Codec { get; } = new("--codec", "-c")
    {
        Description = $"Output codec: {string.Join(", ", BilevelCodecs.All.Select(c => c.Name))} (default rle, the textbook RLE).",
        HelpName = "name",
        DefaultValueFactory = _ => BilevelCodecs.Get(BilevelCodecs.DefaultName),
        CustomParser = ParseCodec,
    };

    public Option<double?> Dpi { get; } = new("--dpi")
    {
        Description = "Resolution to record (tiff-g4, png, jbig2) and to size the pdf page with (default 300).",
        HelpName = "dots-per-inch",
    };

    public Option<PdfImageCodec> PdfImage { get; } = new("--pdf-image")
    {
        Description = "How --codec pdf stores the image: jbig2 (default) or g4.",
        HelpName = "jbig2|g4",
        DefaultValueFactory = _ => PdfImageCodec.Jbig2,
        CustomParser = ParsePdfImage,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Codec);
        command.Options.Add(Dpi);
        command.Options.Add(PdfImage);
        command.Validators.Add(result =>
        {
            if (OptionValues.TryGet(result.GetResult(Dpi), out double? given) && given is double dpi && (!double.IsFinite(dpi) || dpi < 1 || dpi > 100_000))
            {
                result.AddError($"--dpi: {dpi.ToString(CultureInfo.InvariantCulture)} is not in 1..100000.");
            }
        });
    }

    public BilevelEncodeOptions EncodeOptions(ParseResult result) => new()
    {
        Dpi = result.GetValue(Dpi),
        PdfImageCodec = result.GetValue(PdfImage),
    };

    /// <summary>True when the codec given (by token) is not the RLE.</summary>
    public bool AsksForOtherThanRle(CommandResult result) =>
        result.GetResult(Codec) is { Implicit: false } given && given.Tokens.Any(t => !t.Value.Equals(BilevelCodecs.DefaultName, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when an encoder setting (<c>--dpi</c>, <c>--pdf-image</c>) was given: only the local encoder takes them.</summary>
    public bool AsksForEncodeOptions(CommandResult result) =>
        result.GetResult(Dpi) is { Implicit: false } || result.GetResult(PdfImage) is { Implicit: false };

    private static IBilevelCodec ParseCodec(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (BilevelCodecs.TryGet(text, out IBilevelCodec codec))
        {
            return codec;
        }

        result.AddError($"--codec: '{text}' is not one of {string.Join(", ", BilevelCodecs.All.Select(c => c.Name))}.");
        return null!;
    }

    private static PdfImageCodec ParsePdfImage(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Enum.TryParse(text, ignoreCase: true, out PdfImageCodec codec) && Enum.IsDefined(codec) && text.Length > 0 && !char.IsDigit(text[0]))
        {
            return codec;
        }

        result.AddError($"--pdf-image: '{text}' is not jbig2 or g4.");
        return default;
    }
}
