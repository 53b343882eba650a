using System.CommandLine;
using System.CommandLine.Parsing;
using RleTcp.Cli.Common;
using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.Rle;

namespace RleTcp.Cli.Commands;

/// <summary><c>rletcp decompress FILE... [-o OUT] [--format png|bmp|pbm] [--width N]</c></summary>
internal static class DecompressCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files")
        {
            Description = "Compressed files to turn back into pictures: any codec (rle, pbm, png, tiff-g4, jbig2, pdf), recognised by its magic; a raw g4 stream needs --width.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommonOptions.Output("Write the pictures into this folder instead of beside each input.");
        var format = new Option<DecodedImageFormat>("--format", "-f")
        {
            Description = "Picture format: png (1-bit), bmp (1-bit) or pbm (binary P4).",
            HelpName = "png|bmp|pbm",
            DefaultValueFactory = _ => DecodedImageFormat.Png,
            CustomParser = ParseFormat,
        };
        var width = new Option<int?>("--width")
        {
            Description = "Read the inputs as raw CCITT G4 (T.6) streams of this many pixels per row (they carry no header).",
            HelpName = "pixels",
        };
        width.Validators.Add(result =>
        {
            if (OptionValues.TryGet(result, out int? given) && given is int w && (w < 1 || w > BitImage.MaxDimension))
            {
                result.AddError($"--width: {w} is not in 1..{BitImage.MaxDimension}.");
            }
        });
        var command = new Command("decompress", "Decode compressed files (any codec) into PNG, BMP or PBM pictures.") { files, output, format, width };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetRequiredValue(files), result.GetValue(output), result.GetValue(format), result.GetValue(width), cancellationToken));
        return command;
    }

    // A local file is the user's own: the bound is the format's (65535 x 65535), not a server budget.
    private const long MaxPixels = (long)BitImage.MaxDimension * BitImage.MaxDimension;

    private static async Task<int> RunAsync(FileInfo[] files, DirectoryInfo? output, DecodedImageFormat format, int? g4Width, CancellationToken cancellationToken)
    {
        output?.Create();
        int failed = 0;
        var claims = new OutputClaims();
        foreach (FileInfo file in files)
        {
            string target = OutputPaths.For(file.FullName, output, RleImageFiles.Extension(format));
            if (claims.Claim(target, file) is { } clash)
            {
                failed++;
                Failures.WriteError($"{file.Name}: {clash}");
                continue;
            }

            try
            {
                byte[] data = await File.ReadAllBytesAsync(file.FullName, cancellationToken);

                // The RLE has no magic number: what no other codec claims is read as RLE, so its errors name the byte.
                IBilevelCodec codec = g4Width is null ? BilevelCodecs.Detect(data) ?? RleCodec.Instance : G4Codec.Instance;
                using BitImage image = g4Width is int w ? G4Codec.Instance.Decode(data, w, MaxPixels) : codec.Decode(data, MaxPixels);
                if (Path.GetFullPath(target) == file.FullName)
                {
                    throw new IOException("the picture would overwrite its input; give -o DIR or another --format");
                }

                byte[] picture = RleImageFiles.ToImageFile(image, format);
                await File.WriteAllBytesAsync(target, picture, cancellationToken);
                Console.WriteLine($"{file.Name} -> {Path.GetFileName(target)}  {codec.Name}  {image.Width}x{image.Height}  {data.Length} -> {picture.Length} bytes");
            }
            catch (Exception ex) when (Failures.IsInputFailure(ex))
            {
                failed++;
                Failures.WriteError($"{file.Name}: {Failures.Describe(ex)}");
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
    }

    private static DecodedImageFormat ParseFormat(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Enum.TryParse(text, ignoreCase: true, out DecodedImageFormat format) && Enum.IsDefined(format) && text.Length > 0 && !char.IsDigit(text[0]))
        {
            return format;
        }

        result.AddError($"--format: '{text}' is not png, bmp or pbm.");
        return default;
    }
}
