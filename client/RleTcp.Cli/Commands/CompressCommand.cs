using System.CommandLine;
using System.Diagnostics;
using RleTcp.Cli.Common;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Rle;
using RleTcp.Protocol.V2;

namespace RleTcp.Cli.Commands;

/// <summary>
/// <c>rletcp compress FILE... [-o OUT] [--server host:port] [--local [--timeout D]] [--mode pillow|threshold] [--threshold N]
/// [--invert] [--page N] [--width W] [--height H] [--filter F] [--codec NAME] [--dpi N] [--pdf-image jbig2|g4] [--deadline MS]</c>
/// </summary>
internal static class CompressCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Image files (PNG, BMP, GIF, TIFF, PBM/PGM/PPM, TGA, JPEG, WebP).", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Output("Write NAME.rle files into this folder instead of beside each input.");
        var server = CommonOptions.Server();
        var local = CommonOptions.Local();
        var mode = CommonOptions.Mode();
        var timeout = CommonOptions.LocalTimeout();
        var protocol = WireProtocolOption.Create();
        var command = new Command("compress", "Compress images to .rle files (or another codec's), through the server or locally.") { files, output, server, local, mode, timeout, protocol };
        CommonOptions.RequireLocalForMode(command, local, mode, server);
        var request = new RequestOptionSet(withCodec: false);
        request.AddTo(command);
        var codecs = new CodecOptions();
        codecs.AddTo(command);
        command.Validators.Add(result =>
        {
            bool isLocal = result.GetResult(local) is { Implicit: false } given && !given.Tokens.Any(t => t.Value == "false");
            if (!isLocal && codecs.AsksForEncodeOptions(result))
            {
                // Protocol v2 carries the codec's name, not its encoder settings.
                result.AddError("--dpi and --pdf-image need --local: the server encodes with its defaults.");
            }
        });
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) => tls.Apply(result, result.GetRequiredValue(server)) is { } address
            ? await RunAsync(
                result.GetRequiredValue(files), result.GetValue(output), address, result.GetValue(local), result.GetValue(mode),
                result.GetValue(timeout), result.GetRequiredValue(codecs.Codec), codecs.EncodeOptions(result),
                request.Read(result, result.GetValue(mode)), result.GetValue(protocol), cancellationToken)
            : ExitCodes.Usage);
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo[] files, DirectoryInfo? output, ServerAddress server, bool local, ConversionMode mode, TimeSpan timeout,
        IBilevelCodec codec, BilevelEncodeOptions encodeOptions, V2RequestOptions request, WireProtocol protocol, CancellationToken cancellationToken)
    {
        bool rle = codec.Name == BilevelCodecs.DefaultName;
        if (protocol == WireProtocol.Textbook && (local || !rle || !request.IsEmpty))
        {
            // The chapter's wire carries the image alone, and its answer is the textbook RLE.
            Failures.WriteError("--protocol textbook takes no --local, --codec, --mode threshold or per-request options: its answer is the textbook .rle");
            return ExitCodes.Usage;
        }

        request = rle ? request : request with { Codec = codec.Name };
        await using IImageCompressor? compressor = await CompressorFactory.CreateAsync(
            local, mode, server, connections: 1, cancellationToken, timeout, encodeOptions, request.IsEmpty ? null : request, protocol);
        if (compressor is null)
        {
            return ExitCodes.Unreachable;
        }

        output?.Create();
        int failed = 0;
        var claims = new OutputClaims();
        foreach (FileInfo file in files)
        {
            long start = Stopwatch.GetTimestamp();
            string target = OutputPaths.For(file.FullName, output, codec.FileExtension);
            if (claims.Claim(target, file) is { } clash)
            {
                failed++;
                Failures.WriteError($"{file.Name}: {clash}");
                continue;
            }

            try
            {
                byte[] image = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
                byte[] encoded = await compressor.CompressAsync(image, cancellationToken);
                await File.WriteAllBytesAsync(target, encoded, cancellationToken);
                string size = rle && RleDecoder.TryReadHeader(encoded, out int width, out int height) ? $"{width}x{height}  " : $"{codec.Name}  ";
                Console.WriteLine(
                    $"{file.Name} -> {Path.GetFileName(target)}  {size}{image.Length} -> {encoded.Length} bytes ({Terminal.Ratio(image.Length, encoded.Length)})  {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0} ms");
            }
            catch (Exception ex) when (Failures.IsInputFailure(ex))
            {
                failed++;
                Failures.WriteError($"{file.Name}: {Failures.Describe(ex)}");
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
    }
}
