using System.Text;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;

namespace RleTcp.Client;

/// <summary>One answer frame as it came off the wire: the status byte and the rest of the payload.</summary>
/// <param name="Status">The first payload byte.</param>
/// <param name="Body">The RLE image for <see cref="ResponseStatus.Ok"/> (empty for a ping), otherwise the UTF-8 message.</param>
public readonly record struct RleTcpResponse(ResponseStatus Status, byte[] Body)
{
    /// <summary>Protocol v2: the answer's typed fields (width, height, codec, …); null for a v1 answer.</summary>
    public V2AnswerFields? Fields { get; init; }

    /// <summary>Whether the status is <see cref="ResponseStatus.Ok"/>.</summary>
    public bool IsOk => Status == ResponseStatus.Ok;

    /// <summary>The body read as the server's UTF-8 message (meaningful when the status is not OK).</summary>
    public string Message => Encoding.UTF8.GetString(Body);

    /// <summary>Throws <see cref="RleTcpException"/> unless the status is OK.</summary>
    public void EnsureOk()
    {
        if (!IsOk)
        {
            throw new RleTcpException(Status, Message);
        }
    }
}
