using RleTcp.Protocol.V2;
using RleTcp.Client;

namespace RleTcp.Cli.Common;

/// <summary>Compresses through a server, over a small pool of pipelined connections.</summary>
internal sealed class RemoteImageCompressor : IImageCompressor
{
    private readonly RleTcpClientPool _pool;
    private readonly V2RequestOptions _request;

    private RemoteImageCompressor(RleTcpClientPool pool, ServerAddress server, V2RequestOptions request)
    {
        _pool = pool;
        _request = request;
        Description = server.Tls is null ? $"server {server}" : $"server {server} (TLS)";
    }

    public string Description { get; }

    /// <summary>Connects (and pings) first, so an unreachable server is one error before any file is touched.</summary>
    /// <exception cref="RleTcpConnectionException">The server cannot be reached.</exception>
    public static async Task<RemoteImageCompressor> ConnectAsync(
        ServerAddress server, int connections, V2RequestOptions? request, RleTcpProtocol protocol, CancellationToken cancellationToken)
    {
        // No retries: a refusal or a lost connection is reported for its file, as one client would.
        var pool = new RleTcpClientPool(
            server.Host, server.Port, connections, server.ClientOptions(new RleTcpClientOptions { Protocol = protocol }), RleTcpRetryPolicy.None);
        try
        {
            await pool.PingAsync(cancellationToken);
            return new RemoteImageCompressor(pool, server, request ?? V2RequestOptions.None);
        }
        catch
        {
            await pool.DisposeAsync();
            throw;
        }
    }

    public async Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        (await _pool.CompressAsync(image, _request, cancellationToken)).Rle;

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
