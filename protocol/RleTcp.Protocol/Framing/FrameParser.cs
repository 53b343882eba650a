using System.Buffers;

namespace RleTcp.Protocol.Framing;

/// <summary>
/// Pure parsing of frames (u64 big-endian length, then that many bytes) from a <see cref="ReadOnlySequence{T}"/>,
/// in the shape a <see cref="System.IO.Pipelines.PipeReader"/> loop needs: <c>consumed</c> is where the loop advances
/// to; <c>examined</c> is what a loop that parses one frame per read would pass to <c>AdvanceTo</c>. RleTcp's own loops
/// (the server's connection, the client's receive loop) parse every frame in the buffer and pass the buffer's end as
/// examined themselves, so they discard it.
/// </summary>
/// <remarks>
/// The declared length is checked against the limit as soon as the 8 header bytes are there, before any payload
/// is waited for: a pipe's pause threshold is not a message-size limit, and a peer must not make the reader buffer
/// a frame it will refuse anyway. Lengths are compared as unsigned 64-bit values, so 2^63 and 2^64-1 are simply
/// too large rather than negative.
/// </remarks>
public static class FrameParser
{
    /// <summary>
    /// Parses the header at the start of <paramref name="input"/>.
    /// </summary>
    /// <param name="input">The unconsumed bytes.</param>
    /// <param name="maxFrameBytes">The largest payload length accepted (non-negative).</param>
    /// <param name="consumed">Where the caller's next parse starts: after the header when one was read, else the start.</param>
    /// <param name="examined">How far the bytes were looked at: the end of <paramref name="input"/> when incomplete.</param>
    /// <param name="payloadLength">The declared payload length (also set for <see cref="FrameParseStatus.TooLarge"/>).</param>
    /// <returns>
    /// <see cref="FrameParseStatus.Parsed"/> with the payload starting at <paramref name="consumed"/>;
    /// <see cref="FrameParseStatus.TooLarge"/>; or <see cref="FrameParseStatus.Incomplete"/> when fewer than 8 bytes are there.
    /// </returns>
    public static FrameParseStatus TryParseHeader(
        in ReadOnlySequence<byte> input,
        long maxFrameBytes,
        out SequencePosition consumed,
        out SequencePosition examined,
        out ulong payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameBytes);
        if (!FrameHeader.TryRead(input, out payloadLength))
        {
            consumed = input.Start;
            examined = input.End;
            return FrameParseStatus.Incomplete;
        }

        consumed = input.GetPosition(FrameHeader.Size);
        examined = consumed;
        return payloadLength > (ulong)maxFrameBytes ? FrameParseStatus.TooLarge : FrameParseStatus.Parsed;
    }

    /// <summary>
    /// Parses one whole frame at the start of <paramref name="input"/>. Suits peers that buffer a frame in the pipe
    /// (responses on a client); a server that copies large payloads out as they arrive uses <see cref="TryParseHeader"/>.
    /// </summary>
    /// <param name="input">The unconsumed bytes.</param>
    /// <param name="maxFrameBytes">The largest payload length accepted (non-negative).</param>
    /// <param name="consumed">After the frame when parsed; after the header when too large; else the start.</param>
    /// <param name="examined">The end of <paramref name="input"/> when incomplete, else <paramref name="consumed"/>.</param>
    /// <param name="payload">The payload, a slice of <paramref name="input"/> (valid until the caller advances past it).</param>
    /// <param name="payloadLength">The declared payload length, once the header is complete.</param>
    /// <returns>What was found; see <see cref="FrameParseStatus"/>.</returns>
    public static FrameParseStatus TryParse(
        in ReadOnlySequence<byte> input,
        long maxFrameBytes,
        out SequencePosition consumed,
        out SequencePosition examined,
        out ReadOnlySequence<byte> payload,
        out ulong payloadLength)
    {
        payload = default;
        FrameParseStatus header = TryParseHeader(input, maxFrameBytes, out consumed, out examined, out payloadLength);
        if (header != FrameParseStatus.Parsed)
        {
            return header;
        }

        // The remaining bytes after the header, not input.Length: the header is not part of the payload.
        ReadOnlySequence<byte> rest = input.Slice(consumed);
        if ((ulong)rest.Length < payloadLength)
        {
            consumed = input.Start;
            examined = input.End;
            return FrameParseStatus.Incomplete;
        }

        payload = rest.Slice(0, (long)payloadLength);
        consumed = payload.End;
        examined = consumed;
        return FrameParseStatus.Parsed;
    }
}
