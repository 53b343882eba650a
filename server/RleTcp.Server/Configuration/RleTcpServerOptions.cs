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

    /// <summary>
    /// The memory all decodes in progress may hold at once, charged from each image's header (declared pixels times
    /// the bytes per pixel its decode path needs) before it is decoded. An image that alone needs more is ImageTooLarge;
    /// one that does not fit beside the decodes running is Busy at once. Default 512 MiB.
    /// </summary>
    public long MaxDecodeMemoryBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// The budget of built answers not yet sent, across all connections. A connection holding none may take one answer
    /// of any size up to all of it; further unsent answers of a connection must fit its quarter and, all connections
    /// together, half of the budget. An answer that does not fit is Busy. Default 256 MiB.
    /// </summary>
    public long MaxBufferedAnswerBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Open connections at most; one more is accepted, answered Busy and closed. Default 1024.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Requests one connection may have in flight (read but not yet answered). When reached, the server stops reading from
    /// that connection until answers have been sent, so a client that never reads cannot make the server buffer without end.
    /// Default 64.
    /// </summary>
    public int MaxPipelinedRequests { get; set; } = 64;

    /// <summary>
    /// Whether a connection may negotiate protocol v2 with a HELLO first frame. Off, the server is v1-only and answers a
    /// HELLO InvalidImage, exactly as a server from before v2 does. Default true.
    /// </summary>
    public bool EnableProtocolV2 { get; set; } = true;

    /// <summary>
    /// Protocol v2: requests one connection may have being processed at once (announced in HELLO); more are answered Busy
    /// and the connection stays usable. At most <see cref="MaxPipelinedRequests"/>. Default 32.
    /// </summary>
    public int MaxInFlightPerConnection { get; set; } = 32;

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

    /// <summary>
    /// Whether images no reader of ours takes (JPEG, WebP, GIF, TGA, most PNG...) are decoded in the decode sandbox:
    /// a pool of worker processes, each with a memory cap, killed and replaced when a request's
    /// <see cref="RequestTimeout"/> passes. Default true; false decodes them in the server process, where a decoder
    /// that loops keeps a worker forever (only for trusted inputs and benchmarks).
    /// </summary>
    public bool DecodeSandbox { get; set; } = true;

    /// <summary>Decode worker processes (library decodes that run at once); 0 = as many as <see cref="Workers"/>. Default 0.</summary>
    public int DecodeProcesses { get; set; }

    /// <summary>
    /// The managed heap cap of each decode worker process: a decode that needs more is answered ImageTooLarge and
    /// its process replaced. Default 1 GiB (a 100-megapixel RGBA decode fits); at least 64 MiB.
    /// </summary>
    public long DecodeProcessMemoryBytes { get; set; } = 1L << 30;

    /// <summary>The number of decode worker processes <see cref="DecodeProcesses"/> stands for.</summary>
    internal int EffectiveDecodeProcesses => DecodeProcesses > 0 ? DecodeProcesses : Workers;

    /// <summary>Optional TLS (section <c>RleTcp:Tls</c>); off unless a certificate is configured.</summary>
    public RleTcpTlsOptions Tls { get; set; } = new();

    /// <summary>What the executor does with a request: compress the image (default) or echo the frame as a transport baseline.</summary>
    public ServerWorkload Workload { get; set; } = ServerWorkload.Compress;
}
