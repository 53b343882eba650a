namespace RleTcp.Client;

/// <summary>Limits and timeouts of one <see cref="RleTcpClient"/> connection.</summary>
public sealed record RleTcpClientOptions
{
    /// <summary>The options used when none are given.</summary>
    public static RleTcpClientOptions Default { get; } = new();

    /// <summary>How long <see cref="RleTcpClient.ConnectAsync(string, int, RleTcpClientOptions?, CancellationToken)"/> waits for the TCP handshake (and the TLS handshake, with <see cref="Tls"/>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the oldest unanswered request may wait for its answer. Answers come back in order, so when the
    /// oldest one is late the server is stuck and the whole connection is failed (every pending request gets a
    /// <see cref="RleTcpConnectionException"/> with <see cref="RleTcpConnectionError.RequestTimeout"/>).
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables the check.
    /// </summary>
    /// <remarks>
    /// The default, 70 s, is the server's default <c>RequestTimeout</c> (60 s) plus 10 s on purpose. The server counts its
    /// 60 s from the request's last byte and then answers status 5 Timeout on a connection that stays usable; this
    /// clock starts earlier (when the request is sent). With equal values the client would tend to give up, and tear
    /// the connection down with every request on it, just as the server's recoverable Timeout answer is due. The margin
    /// covers the upload time and the trip back. Against a server with a longer <c>RequestTimeout</c>, raise this too.
    /// </remarks>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(70);

    /// <summary>The largest request payload sent; larger images are refused before anything is written (the server's default is 64 MiB).</summary>
    public long MaxRequestBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// The largest response frame accepted. A frame header declaring more fails the connection at once, before the
    /// body is buffered: the server is not trusted with the client's memory.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long <see cref="RleTcpClient.DisposeAsync"/> waits for pending answers after half-closing.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The protocol: <see cref="RleTcpProtocol.Auto"/> (v2 when offered, else v1; the default), v1 or v2 only.</summary>
    public RleTcpProtocol Protocol { get; init; } = RleTcpProtocol.Auto;

    /// <summary>
    /// Requests that may wait in the client's outbox for the send loop. When full, <see cref="RleTcpClient.SendAsync"/>
    /// waits for room (backpressure from a slow server) instead of buffering without end. Default 1024.
    /// </summary>
    public int MaxQueuedRequests { get; init; } = 1024;

    /// <summary>TLS for the connection; null (the default) is plain TCP. The server must be configured for TLS too.</summary>
    public RleTcpClientTlsOptions? Tls { get; init; }

    internal void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "The connect timeout must be positive.");
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "The request timeout must be positive.");
        }

        if (MaxRequestBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, "The request limit must be at least 1 byte.");
        }

        if (MaxResponseBytes < 1 || MaxResponseBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, $"The response limit must be 1..{Array.MaxLength} bytes.");
        }

        if (MaxQueuedRequests < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedRequests), MaxQueuedRequests, "The outbox must hold at least 1 request.");
        }

        if (!Enum.IsDefined(Protocol))
        {
            throw new ArgumentOutOfRangeException(nameof(Protocol), Protocol, "Unknown protocol.");
        }

        if (DrainTimeout < TimeSpan.Zero && DrainTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(DrainTimeout), DrainTimeout, "The drain timeout must not be negative.");
        }
    }
}
