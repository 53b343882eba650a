using System.CommandLine;
using System.CommandLine.Parsing;
using RleTcp.Client;

namespace RleTcp.Cli.Common;

/// <summary>
/// The wire a command talks: RleTcp's own (auto, v1, v2), or the textbook chapter's (an 8-byte big-endian length and
/// the image; the answer is the bare <c>.rle</c> bytes, then end of stream; docs/PROTOCOL.md, "Textbook mode").
/// </summary>
internal enum WireProtocol
{
    /// <summary>v2 when the server offers it, else v1.</summary>
    Auto,

    /// <summary>Protocol v1 only.</summary>
    V1,

    /// <summary>Protocol v2 only.</summary>
    V2,

    /// <summary>The textbook chapter's protocol: one request per connection, the answer up to end of stream.</summary>
    Textbook,
}

/// <summary>The <c>--protocol</c> option of the commands that talk to a server.</summary>
internal static class WireProtocolOption
{
    public static Option<WireProtocol> Create() => new("--protocol")
    {
        Description = "The wire protocol: auto (v2 when the server offers it), v1, v2, or textbook (the chapter's: length, image, then the .rle until EOF; a chapter server or RleTcp's --textbook-port).",
        HelpName = "auto|v1|v2|textbook",
        DefaultValueFactory = _ => WireProtocol.Auto,
        CustomParser = Parse,
    };

    /// <summary>The client library's protocol setting for RleTcp's own wire (never called for textbook).</summary>
    public static RleTcpProtocol ToClient(this WireProtocol protocol) => protocol switch
    {
        WireProtocol.V1 => RleTcpProtocol.V1,
        WireProtocol.V2 => RleTcpProtocol.V2,
        _ => RleTcpProtocol.Auto,
    };

    private static WireProtocol Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value.ToLowerInvariant() : "";
        switch (text)
        {
            case "auto": return WireProtocol.Auto;
            case "v1": return WireProtocol.V1;
            case "v2": return WireProtocol.V2;
            case "textbook": return WireProtocol.Textbook;
            default:
                result.AddError($"--protocol: '{text}' is not auto, v1, v2 or textbook.");
                return default;
        }
    }
}
