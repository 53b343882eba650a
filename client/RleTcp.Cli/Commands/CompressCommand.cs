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
/// <c>rletcp compress FILE... [-o OUT] [--server host:port] [--local] [--mode pillow|threshold] [--threshold N] [--invert]
/// [--page N] [--width W] [--height H] [--filter F] [--codec C] [--deadline MS]</c>
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
        var command = new Command("compress", "Compress images to .rle files (or another codec's), through the server or locally.") { files, output, server, local, mode };
        var request = new RequestOptionSet();
        request.AddTo(command);
        CommonOptions.RequireLocalForMode(command, local, mode, server);
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) => tls.Apply(result, result.GetRequiredValue(server)) is { } address
            ? await RunAsync(
                result.GetRequiredValue(files), result.GetValue(output), address, result.GetValue(local), result.GetValue(mode),
                request.Read(result, result.GetValue(mode)), cancellationToken)
            : ExitCodes.Usage);
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo[] files, DirectoryInfo? output, ServerAddress server, bool local, ConversionMode mode, V2RequestOptions request, CancellationToken cancellationToken)
    {
        if (request.Codec is { } codecName && !BilevelCodecs.TryGet(codecName, out _))
        {
            Failures.WriteError($"--codec: '{codecName}' is not one of {string.Join(", ", BilevelCodecs.All.Select(c => c.Name))}.");
            return ExitCodes.Usage;
        }

        string extension = BilevelCodecs.TryGet(request.Codec ?? BilevelCodecs.DefaultName, out IBilevelCodec codec) && codec.Name != BilevelCodecs.DefaultName
            ? codec.FileExtension
            : ".rle";
        await using IImageCompressor? compressor = await CompressorFactory.CreateAsync(
            local, mode, server, connections: 1, cancellationToken, request.IsEmpty ? null : request);
        if (compressor is null)
        {
            return ExitCodes.Unreachable;
        }

        output?.Create();
        int failed = 0;
        var written = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (FileInfo file in files)
        {
            long start = Stopwatch.GetTimestamp();
            string target = OutputPaths.For(file.FullName, output, extension);
            if (!written.TryAdd(target, file.Name))
            {
                failed++;
                Failures.WriteError($"{file.Name}: {written[target]} was already written to {Path.GetFileName(target)}");
                continue;
            }

            try
            {
                byte[] image = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
                byte[] rle = await compressor.CompressAsync(image, cancellationToken);
                await File.WriteAllBytesAsync(target, rle, cancellationToken);
                RleDecoder.TryReadHeader(rle, out int width, out int height);
                Console.WriteLine(
                    $"{file.Name} -> {Path.GetFileName(target)}  {width}x{height}  {image.Length} -> {rle.Length} bytes ({Terminal.Ratio(image.Length, rle.Length)})  {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0} ms");
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
