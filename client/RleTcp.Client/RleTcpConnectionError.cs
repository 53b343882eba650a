namespace RleTcp.Client;

/// <summary>Why a connection could not be made or stopped working.</summary>
public enum RleTcpConnectionError
{
    /// <summary>The TCP connection was refused or the host could not be reached or resolved.</summary>
    ConnectFailed,

    /// <summary>The TCP handshake did not finish within <see cref="RleTcpClientOptions.ConnectTimeout"/>.</summary>
    ConnectTimeout,

    /// <summary>The server closed the connection (or it was reset) while requests were unanswered.</summary>
    Closed,

    /// <summary>The oldest pending request got no answer within <see cref="RleTcpClientOptions.RequestTimeout"/>.</summary>
    RequestTimeout,

    /// <summary>A response frame declared more than <see cref="RleTcpClientOptions.MaxResponseBytes"/>.</summary>
    ResponseTooLarge,

    /// <summary>The server sent something the protocol does not allow (an empty frame, an answer nobody asked for, a cut frame).</summary>
    ProtocolViolation,

    /// <summary>The client was disposed before the request was answered.</summary>
    Disposed,

    /// <summary>The TLS handshake failed: the server certificate is not trusted or not for this host, or the server refused ours.</summary>
    TlsFailed,
}
