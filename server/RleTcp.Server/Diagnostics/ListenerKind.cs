namespace RleTcp.Server.Diagnostics;

/// <summary>Which listener a connection came in on: it decides the wire protocol, and labels the metrics (hence here, below Transport).</summary>
public enum ListenerKind
{
    /// <summary>The main port: protocol v1 (framed answers with a status, pipelining), optionally TLS.</summary>
    Main,

    /// <summary>
    /// The textbook port (<c>RleTcpServerOptions.TextbookPort</c>): one request per connection, the answer is the
    /// bare .rle bytes then end of stream, and any refusal closes the connection with no answer byte. Never TLS.
    /// </summary>
    Textbook,
}
