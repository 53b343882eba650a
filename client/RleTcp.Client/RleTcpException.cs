using RleTcp.Protocol.Framing;

namespace RleTcp.Client;

/// <summary>The server answered a request with a status other than <see cref="ResponseStatus.Ok"/>.</summary>
public sealed class RleTcpException : Exception
{
    /// <summary>Creates the exception from the server's status and message.</summary>
    public RleTcpException(ResponseStatus status, string serverMessage)
        : base(Describe(status, serverMessage))
    {
        Status = status;
        ServerMessage = serverMessage;
    }

    /// <summary>The status byte of the answer.</summary>
    public ResponseStatus Status { get; }

    /// <summary>The server's UTF-8 message, as sent.</summary>
    public string ServerMessage { get; }

    /// <summary>Whether sending the same request again later may succeed: the server was only at capacity.</summary>
    public bool MayRetry => Status == ResponseStatus.Busy;

    private static string Describe(ResponseStatus status, string message) =>
        message.Length == 0 ? $"The server answered {status}." : $"The server answered {status}: {message}";
}
