using System.CommandLine;
using RleTcp.Cli.Common;
using RleTcp.Client;
using RleTcp.Imaging;

namespace RleTcp.Cli.Commands;

/// <summary><c>rletcp info FILE... [--server host:port] [--local]</c>: format, size, mode and frames from each header.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Image files.", Arity = ArgumentArity.OneOrMore };
        var server = CommonOptions.Server();
        var local = CommonOptions.Local();
        var command = new Command("info", "Show each image's format, size, mode and frame count, read from its header (protocol v2 INFO; no pixel is decoded).")
        {
            files, server, local,
        };
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) => tls.Apply(result, result.GetRequiredValue(server)) is { } address
            ? await RunAsync(result.GetRequiredValue(files), address, result.GetValue(local), cancellationToken)
            : ExitCodes.Usage);
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, ServerAddress server, bool local, CancellationToken cancellationToken)
    {
        RleTcpClient? client = null;
        if (!local)
        {
            try
            {
                client = await RleTcpClient.ConnectAsync(server.Host, server.Port, server.ClientOptions(), cancellationToken);
            }
            catch (Exception ex) when (ex is RleTcpConnectionException or RleTcpException)
            {
                Failures.WriteError($"cannot reach the server at {server}: {ex.Message}");
                return ExitCodes.Unreachable;
            }

            if (client.ProtocolVersion < 2)
            {
                await client.DisposeAsync();
                Failures.WriteError($"the server at {server} speaks protocol v1, which has no INFO; use --local");
                return ExitCodes.Unreachable;
            }
        }

        int failed = 0;
        try
        {
            foreach (FileInfo file in files)
            {
                try
                {
                    byte[] image = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
                    RleImageInfo info = client is null
                        ? FromHeader(ImageHeaderInfo.Read(image, ImageFormats.All))
                        : await client.InfoAsync(image, cancellationToken);
                    Console.WriteLine($"{file.Name}: {info.Format} {info.Width}x{info.Height} mode {info.Mode}, {info.Frames} {(info.Frames == 1 ? "frame" : "frames")}");
                }
                catch (Exception ex) when (Failures.IsInputFailure(ex))
                {
                    failed++;
                    Failures.WriteError($"{file.Name}: {Failures.Describe(ex)}");
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
    }

    private static RleImageInfo FromHeader(ImageHeaderInfo h) => new(h.Format, h.Width, h.Height, h.Mode, h.Frames);
}
