using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Server.Transport;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// <c>GET /healthz</c> on the metrics side port (<see cref="MetricsEndpointOptions"/>): 200 <c>ready</c> once the host
/// has started (so the TCP listener is bound), 503 <c>starting</c> before that and 503 <c>draining</c> from the moment
/// shutdown begins, so a load balancer or a Kubernetes readiness probe stops sending new connections while in-flight
/// requests are still being answered.
/// </summary>
/// <remarks>
/// It is a second <see cref="HttpListener"/> on the port the Prometheus exporter serves <c>/metrics</c> on: HttpListener
/// shares one port between listeners with different path prefixes. It is registered before the TCP listener, so it
/// starts first (answering 503 until the host has started) and stops last (answering 503 through the drain).
/// </remarks>
public sealed partial class HealthEndpoint : IHostedService, IDisposable
{
    /// <summary>The path served.</summary>
    public const string Path = "/healthz";

    private readonly MetricsEndpointOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly RleTcpListener _listener;
    private readonly ILogger<HealthEndpoint> _logger;
    private readonly HttpListener _http = new();
    private Task _serving = Task.CompletedTask;

    /// <summary>Creates the endpoint; nothing is bound until the host starts it.</summary>
    public HealthEndpoint(
        IOptions<MetricsEndpointOptions> options, IHostApplicationLifetime lifetime, RleTcpListener listener, ILogger<HealthEndpoint> logger)
    {
        _options = options.Value;
        _lifetime = lifetime;
        _listener = listener;
        _logger = logger;
    }

    /// <summary>The side port (the one picked at start when configured as 0).</summary>
    public int Port => _options.Port ?? throw new InvalidOperationException("The metrics side port is off.");

    /// <summary>Whether the server is ready for new connections: started, and not stopping.</summary>
    public bool IsReady =>
        _lifetime.ApplicationStarted.IsCancellationRequested && !_lifetime.ApplicationStopping.IsCancellationRequested && !_listener.IsStopping;

    /// <summary>
    /// The HttpListener prefix for <paramref name="path"/> (ending in '/') on the configured address and port. An
    /// unspecified address (0.0.0.0, ::) becomes the wildcard host, which matches requests for any host name.
    /// </summary>
    public static string Prefix(MetricsEndpointOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        BindAddress.TryParse(options.Bind, out IPAddress address);
        string host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "*"
            : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();
        return $"http://{host}:{options.Port}{path}";
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _http.Prefixes.Add(Prefix(_options, Path + "/"));
        _http.IgnoreWriteExceptions = true;
        _http.Start();
        LogServing(Prefix(_options, "/"));
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_http.IsListening)
        {
            _http.Stop();
        }

        await _serving.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Close();

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped.
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The prober went away; nothing to do.
                LogAnswerFailed(e.Message);
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        string method = context.Request.HttpMethod;
        string path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? string.Empty;
        string text;
        if (!string.Equals(path, Path, StringComparison.Ordinal))
        {
            response.StatusCode = 404;
            text = "not found\n";
        }
        else if (method is not ("GET" or "HEAD"))
        {
            response.StatusCode = 405;
            response.AddHeader("Allow", "GET, HEAD");
            text = "method not allowed\n";
        }
        else if (IsReady)
        {
            response.StatusCode = 200;
            text = "ready\n";
        }
        else
        {
            response.StatusCode = 503;
            text = _lifetime.ApplicationStarted.IsCancellationRequested ? "draining\n" : "starting\n";
        }

        byte[] body = Encoding.UTF8.GetBytes(text);
        response.ContentType = "text/plain; charset=utf-8";
        response.AddHeader("Cache-Control", "no-store");
        response.KeepAlive = false;
        response.ContentLength64 = body.Length;
        if (method != "HEAD")
        {
            response.OutputStream.Write(body);
        }

        response.Close();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics side port: {Prefix}metrics (Prometheus) and {Prefix}healthz")]
    private partial void LogServing(string prefix);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A health answer could not be sent: {Reason}")]
    private partial void LogAnswerFailed(string reason);
}
