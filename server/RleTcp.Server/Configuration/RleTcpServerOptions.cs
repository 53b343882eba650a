using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Server.Configuration;

/// <summary>
/// Everything the server can be configured with, bound from the configuration section <see cref="SectionName"/>
/// (appsettings.json, <c>RLETCP_</c> environment variables, the command line). Every limit has a safe default and is
/// validated at start (by <c>RleTcpServerOptionsValidator</c> in Hosting).
/// </summary>
public sealed class RleTcpServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "RleTcp";

    /// <summary>The IP address to listen on (an IPv4 or IPv6 literal, or <c>localhost</c>). Default 127.0.0.1.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (see <c>RleTcpListener.LocalEndPoint</c>). Default 2015.</summary>
    public int Port { get; set; } = 2015;

    /// <summary>
    /// The port of the textbook listener (docs/PROTOCOL.md, "Textbook mode": one request per connection, the answer is
    /// the bare .rle bytes then end of stream, a refusal closes with no byte), on the same bind address; 0 picks a free
    /// port (see <c>RleTcpListener.TextbookEndPoint</c>). Null (the default): no textbook listener. Never TLS.
    /// </summary>
    public int? TextbookPort { get; set; }

    /// <summary>Executor worker threads: all decoding, conversion and encoding run on them. Default: the processor count.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Requests that may wait for a worker; when the queue is full a request is answered Busy at once. Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>The largest request payload; a larger declared length is answered FrameTooLarge and the connection closed. Default 64 MiB.</summary>
    public long MaxFrameBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest image, in pixels, the server decodes; more is ImageTooLarge. Default 100 million.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>The image formats accepted, e.g. "Png, Bmp"; others are InvalidImage. Default All.</summary>
    public ImageFormats AllowedFormats { get; set; } = ImageFormats.All;

    /// <summary>How grey and colour images become black and white: Pillow (exact, dithered) or Threshold. Default Pillow.</summary>
    public ConversionMode Conversion { get; set; } = ConversionMode.Pillow;

    /// <summary>
    /// The budget of request payload bytes held in memory across all connections, reserved on the declared length when a
    /// header arrives and released when the request has been decoded. A frame that does not fit is read, dropped and
    /// answered Busy. Default 256 MiB; at least <see cref="MaxFrameBytes"/>.
    /// </summary>
    public long MaxBufferedRequestBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Open connections at most; one more is accepted, answered Busy and closed. Default 1024.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Requests one connection may have in flight (read but not yet answered). When reached, the server stops reading from
    /// that connection until answers have been sent, so a client that never reads cannot make the server buffer without end.
    /// Default 64.
    /// </summary>
    public int MaxPipelinedRequests { get; set; } = 64;

    /// <summary>A frame must arrive whole within this time of its first byte, else Timeout and the connection is closed. Default 60 s.</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection with no frame in progress and nothing to answer is closed quietly after this long. Default 2 min.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A request not answered within this time of arriving whole gets Timeout; the connection stays open. Default 60 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>On shutdown, how long in-flight requests may take to be answered before their connections are cut. Default 10 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Images of more pixels than this are encoded in row bands of about this many pixels, in parallel. Default 1 Mi pixels.</summary>
    public long BandPixels { get; set; } = 1L << 20;

    /// <summary>
    /// Bytes buffered from a socket before the server stops reading from it (reading resumes at half). Default 1 MiB.
    /// </summary>
    public int InputBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Answer bytes buffered for a socket before the connection's writer waits for the peer to read (resumes at half). Default 1 MiB.
    /// </summary>
    public int OutputBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>Optional TLS (section <c>RleTcp:Tls</c>); off unless a certificate is configured.</summary>
    public RleTcpTlsOptions Tls { get; set; } = new();

    /// <summary>What the executor does with a request: compress the image (default) or echo the frame as a transport baseline.</summary>
    public ServerWorkload Workload { get; set; } = ServerWorkload.Compress;
}
