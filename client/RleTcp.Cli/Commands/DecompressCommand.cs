using System.CommandLine;
using System.CommandLine.Parsing;
using RleTcp.Cli.Common;
using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Cli.Commands;

/// <summary><c>rletcp decompress FILE.rle... [-o OUT] [--format png|bmp|pbm]</c></summary>
internal static class DecompressCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = ".rle files to turn back into pictures.", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Output("Write the pictures into this folder instead of beside each input.");
        var format = new Option<DecodedImageFormat>("--format", "-f")
        {
            Description = "Picture format: png (1-bit), bmp (1-bit) or pbm (binary P4).",
            HelpName = "png|bmp|pbm",
            DefaultValueFactory = _ => DecodedImageFormat.Png,
            CustomParser = ParseFormat,
        };
        var command = new Command("decompress", "Decode .rle files into PNG, BMP or PBM pictures.") { files, output, format };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetRequiredValue(files), result.GetValue(output), result.GetValue(format), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, DirectoryInfo? output, DecodedImageFormat format, CancellationToken cancellationToken)
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
                byte[] rle = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
                BitImage image = RleImageFiles.Decode(rle);
                byte[] picture = RleImageFiles.ToImageFile(image, format);
                await File.WriteAllBytesAsync(target, picture, cancellationToken);
                Console.WriteLine($"{file.Name} -> {Path.GetFileName(target)}  {image.Width}x{image.Height}  {rle.Length} -> {picture.Length} bytes");
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
