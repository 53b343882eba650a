using RleTcp.Protocol.V2;
using RleTcp.Server.Execution.V2;

namespace RleTcp.Server.Transport.V2;

/// <summary>
/// Which options and bodies each v2 op takes (docs/PROTOCOL.md, "Version 2"): pure checks on a parsed request, so the
/// session only decides what to do with a request that passed them.
/// </summary>
internal static class V2RequestRules
{
    [Flags]
    private enum Allowed
    {
        None = 0,
        Conversion = 1,
        Page = 2,
        Resize = 4,
        Codec = 8,
        Deadline = 16,
        MaxPixels = 32,
        Format = 64,
        Invert = 128,
        Compress = Conversion | Page | Resize | Codec | Deadline | MaxPixels | Invert,
        Info = Deadline,
        Decompress = Codec | Deadline | MaxPixels | Format | Invert,
    }

    /// <summary>
    /// Why the request cannot be served as sent (the BadRequest message), or null when it can: an unknown op, an option
    /// its op does not use (an option the server would ignore is the client's mistake), a body where none belongs, an
    /// unknown codec, a filter without a size.
    /// </summary>
    public static string? Check(V2RequestHead head, V2RequestOptions o, int bodyLength)
    {
        (Allowed allowed, bool allowBody) = (V2Op)head.Op switch
        {
            V2Op.Ping => (Allowed.None, false),
            V2Op.Cancel => (Allowed.None, true),
            V2Op.Compress => (Allowed.Compress, true),
            V2Op.Info => (Allowed.Info, true),
            V2Op.Decompress => (Allowed.Decompress, true),
            _ => ((Allowed)(-1), false),
        };
        if ((int)allowed == -1)
        {
            return $"Unknown op {head.Op}; this server knows compress (1), info (2), decompress (3), cancel (4), ping (5).";
        }

        string? wrong =
            (o.Conversion is not null || o.ThresholdLevel is not null) && !allowed.HasFlag(Allowed.Conversion) ? "conversion/threshold"
            : o.Invert && !allowed.HasFlag(Allowed.Invert) ? "invert"
            : o.Page is not null && !allowed.HasFlag(Allowed.Page) ? "page"
            : (o.Width is not null || o.Height is not null || o.Filter is not null) && !allowed.HasFlag(Allowed.Resize) ? "width/height/filter"
            : o.Codec is not null && !allowed.HasFlag(Allowed.Codec) ? "codec"
            : o.DeadlineMs is not null && !allowed.HasFlag(Allowed.Deadline) ? "deadline-ms"
            : o.MaxPixels is not null && !allowed.HasFlag(Allowed.MaxPixels) ? "max-pixels"
            : o.Format is not null && !allowed.HasFlag(Allowed.Format) ? "format"
            : null;
        string op = V2Session.OpName(head.Op);
        if (wrong is not null)
        {
            return $"The option {wrong} does not apply to {op}.";
        }

        if (!allowBody && bodyLength != 0)
        {
            return $"A {op} request has no body; this one has {bodyLength} bytes.";
        }

        if (o.Codec is { } codec && V2Codecs.Find(codec) is null)
        {
            return $"Unknown codec '{codec}'; this server has {string.Join(", ", V2Codecs.Names)}.";
        }

        if (o.Filter is not null && o.Width is null && o.Height is null)
        {
            return "A resize filter was given without a width or height.";
        }

        return null;
    }

    /// <summary>Whether a COMPRESS asks for more than the server's own intake does (else it is v1's request).</summary>
    public static bool NeedsRequestIntake(V2RequestOptions o, long serverMaxPixels) =>
        o.Conversion is not null || o.ThresholdLevel is not null || o.Invert || o.Page is > 0 || o.Width is not null
        || o.Height is not null || o.MaxPixels is { } pixels && pixels < (ulong)serverMaxPixels
        || o.Codec is { } codec && !string.Equals(codec, V2Codecs.Rle, StringComparison.OrdinalIgnoreCase);
}
