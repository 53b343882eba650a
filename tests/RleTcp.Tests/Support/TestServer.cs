using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RleTcp.Server.Execution;
using RleTcp.Server.Hosting;
using RleTcp.Server.Transport;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Support;

/// <summary>
/// An in-process RleTcp server on 127.0.0.1 and an ephemeral port, in a Generic Host built exactly as the server's own
/// (<see cref="RleTcpServerHostExtensions.AddRleTcpServer"/>), with test options and optionally a test processor.
/// <c>await using var server = await TestServer.StartAsync(o => o.MaxFrameBytes = 100);</c>
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    /// <summary>Bound on every wait in the fixture and its clients, so a broken server fails a test instead of hanging it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly IHost _host;
    private bool _stopped;

    private TestServer(IHost host, LogCollector logs)
    {
        _host = host;
        Logs = logs;
        Listener = host.Services.GetRequiredService<RleTcpListener>();
        Executor = host.Services.GetRequiredService<RequestExecutor>();
        EndPoint = Listener.LocalEndPoint;
    }

    /// <summary>The server's endpoint (127.0.0.1 and the port it got).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The listener (connection count, stopping state).</summary>
    public RleTcpListener Listener { get; }

    /// <summary>The executor (queue length).</summary>
    public RequestExecutor Executor { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider HostServices => _host.Services;

    /// <summary>Everything the server logged.</summary>
    public LogCollector Logs { get; }

    /// <summary>
    /// Starts a server. <paramref name="configure"/> adjusts the options after configuration binding;
    /// <paramref name="processor"/> replaces the request processor (default: chosen by the options' workload);
    /// <paramref name="settings"/> adds configuration keys, e.g. <c>["RleTcp:Metrics:Port"] = "0"</c>.
    /// </summary>
    public static async Task<TestServer> StartAsync(
        Action<RleTcpServerOptions>? configure = null, IRequestProcessor? processor = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RleTcp:Bind"] = "127.0.0.1",
            ["RleTcp:Port"] = "0",
            ["RleTcp:Workers"] = "2",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var logs = new LogCollector();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        if (processor is not null)
        {
            builder.Services.AddSingleton(processor);
        }

        builder.AddRleTcpServer();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        IHost host = builder.Build();
        using var timeout = new CancellationTokenSource(Patience);
        await host.StartAsync(timeout.Token);
        return new TestServer(host, logs);
    }

    /// <summary>Opens a raw TCP connection to the server.</summary>
    public async Task<Socket> ConnectSocketAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await socket.ConnectAsync(EndPoint, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>Opens a connection wrapped in a <see cref="NetworkStream"/> that owns the socket.</summary>
    public async Task<NetworkStream> OpenStreamAsync() => new(await ConnectSocketAsync(), ownsSocket: true);

    /// <summary>Opens a connection wrapped in a frame-level <see cref="FrameClient"/>.</summary>
    public async Task<FrameClient> ConnectAsync() => new(await ConnectSocketAsync());

    /// <summary>Stops the host gracefully (the listener drains), bounded by <see cref="Patience"/>.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(Patience);
        await _host.StopAsync(timeout.Token);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
