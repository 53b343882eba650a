using RleTcp.Client;
using RleTcp.Cli.Common;

namespace RleTcp.Cli.Load;

/// <summary>One of the run's connections, shared by its pipeline workers and reconnected when it dies.</summary>
internal sealed class ConnectionSlot(ServerAddress server, RleTcpClientOptions options) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<RleTcpClient>? _current;
    private bool _closed;

    public Task<RleTcpClient> GetAsync()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_current is null || _current.IsFaulted || _current.IsCanceled || (_current.IsCompletedSuccessfully && !_current.Result.IsConnected))
            {
                Task<RleTcpClient>? dead = _current;
                _current = RleTcpClient.ConnectAsync(server.Host, server.Port, options);
                if (dead is { IsCompletedSuccessfully: true })
                {
                    _ = dead.Result.DisposeAsync().AsTask();
                }
            }

            return _current;
        }
    }

    /// <summary>Stops the connection at once: used when a run overstays its bound; pending requests fail.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _closed = true;
            if (_current is { IsCompletedSuccessfully: true })
            {
                _ = _current.Result.DisposeAsync().AsTask();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<RleTcpClient>? current;
        lock (_gate)
        {
            _closed = true;
            current = _current;
        }

        if (current is { IsCompletedSuccessfully: true })
        {
            await current.Result.DisposeAsync();
        }
    }
}
