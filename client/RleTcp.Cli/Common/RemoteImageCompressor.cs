using RleTcp.Client;

namespace RleTcp.Cli.Common;

/// <summary>Compresses through a server, over a small pool of pipelined connections.</summary>
internal sealed class RemoteImageCompressor : IImageCompressor
{
    private readonly RleTcpClientPool _pool;

    private RemoteImageCompressor(RleTcpClientPool pool, ServerAddress server)
    {
        _pool = pool;
        Description = server.Tls is null ? $"server {server}" : $"server {server} (TLS)";
    }

    public string Description { get; }

    /// <summary>Connects (and pings) first, so an unreachable server is one error before any file is touched.</summary>
    /// <exception cref="RleTcpConnectionException">The server cannot be reached.</exception>
    public static async Task<RemoteImageCompressor> ConnectAsync(ServerAddress server, int connections, CancellationToken cancellationToken)
    {
        // No retries: a refusal or a lost connection is reported for its file, as one client would.
        var pool = new RleTcpClientPool(server.Host, server.Port, connections, server.ClientOptions(), RleTcpRetryPolicy.None);
        try
        {
            await pool.PingAsync(cancellationToken);
            return new RemoteImageCompressor(pool, server);
        }
        catch
        {
            await pool.DisposeAsync();
            throw;
        }
    }

    public async Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        (await _pool.CompressAsync(image, cancellationToken)).Rle;

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
