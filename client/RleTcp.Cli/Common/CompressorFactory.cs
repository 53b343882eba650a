using RleTcp.Protocol.V2;
using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Cli.Common;

/// <summary>Makes the compressor a command asked for, reporting an unreachable server as exit code 3.</summary>
internal static class CompressorFactory
{
    /// <summary>Returns the compressor, or null after writing the error line (the caller exits with <see cref="ExitCodes.Unreachable"/>).</summary>
    public static async Task<IImageCompressor?> CreateAsync(
        bool local, ConversionMode mode, ServerAddress server, int connections, CancellationToken cancellationToken,
        TimeSpan? localTimeout = null, BilevelEncodeOptions? encodeOptions = null, V2RequestOptions? request = null,
        WireProtocol protocol = WireProtocol.Auto)
    {
        if (local)
        {
            return new LocalImageCompressor(mode, connections, localTimeout ?? CommonOptions.DefaultLocalTimeout, encodeOptions, request);
        }

        if (protocol == WireProtocol.Textbook)
        {
            if (server.Tls is not null)
            {
                Failures.WriteError("--protocol textbook has no TLS (the chapter's wire is plain TCP)");
                return null;
            }

            // The chapter's wire has no options and no ping: each file is its own connection.
            return new TextbookImageCompressor(server);
        }

        // Through a server the conversion travels as a v2 option (--mode threshold included).
        request = RequestOptionSet.WithMode(request ?? V2RequestOptions.None, mode);

        try
        {
            return await RemoteImageCompressor.ConnectAsync(server, connections, request, protocol.ToClient(), cancellationToken);
        }
        catch (Exception ex) when (ex is RleTcpConnectionException or RleTcpException)
        {
            Failures.WriteError($"cannot reach the server at {server}: {ex.Message}");
            return null;
        }
    }
}
