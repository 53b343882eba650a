using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Framing;

namespace RleTcp.Fuzz;

/// <summary>
/// <see cref="FrameParser"/> over a multi-segment <see cref="ReadOnlySequence{T}"/>, frame after frame, checked against
/// a hand-read big-endian u64 on the flat bytes. Nothing may escape: the parser documents no exception for any input.
/// </summary>
/// <remarks>
/// Input layout: byte 0 chooses the cutting (<see cref="SegmentedInput"/>) and the frame limit (its top two bits pick
/// one of <see cref="Limits"/>); the rest is the stream as a pipe would deliver it. Each step checks
/// <see cref="FrameParser.TryParseHeader"/> and <see cref="FrameParser.TryParse"/> on the unconsumed rest: the status,
/// the length, the payload bytes, <c>consumed</c> where the protocol says, <c>examined</c> ≥ <c>consumed</c> and never
/// past the end, and that an oversized length is reported from its 8 header bytes alone (the payload never needed).
/// A parsed frame advances to the next; a too-large or incomplete one ends the run as it ends a connection.
/// </remarks>
internal sealed class FrameParserTarget : IFuzzTarget
{
    /// <summary>The frame limits byte 0 picks from: none allowed but pings, one byte, a segment-sized frame, a few hundred.</summary>
    public static readonly long[] Limits = [0, 1, 16, 300];

    /// <inheritdoc/>
    public string Name => "frame-parser";

    /// <inheritdoc/>
    public string Asserts =>
        "FrameParser.TryParseHeader/TryParse over multi-segment input agree with a hand-read u64 BE: status, length, "
        + "payload, consumed, examined >= consumed and within the input, too-large from the header alone; nothing escapes";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        byte shape = input[0];
        byte[] stream = input[1..];
        long max = Limits[shape >> 6];
        ReadOnlySequence<byte> all = SegmentedInput.Cut(stream, shape);
        Check(all.Length == stream.Length, "the segmented sequence has the input's length");

        long offset = 0;
        while (true)
        {
            ReadOnlySequence<byte> rest = all.Slice(offset);
            if (!Step(all, rest, offset, stream, max, out long next))
            {
                return;
            }

            Check(next > offset, "a parsed frame moves forward");
            offset = next;
        }
    }

    // One frame at flat offset `offset`; returns false when the run ends (incomplete or too large).
    private static bool Step(ReadOnlySequence<byte> all, ReadOnlySequence<byte> rest, long offset, byte[] flat, long max, out long next)
    {
        next = offset;
        long available = flat.Length - offset;
        FrameParseStatus header = FrameParser.TryParseHeader(rest, max, out SequencePosition hConsumed, out SequencePosition hExamined, out ulong hLength);
        FrameParseStatus whole = FrameParser.TryParse(rest, max, out SequencePosition consumed, out SequencePosition examined, out ReadOnlySequence<byte> payload, out ulong length);
        CheckPositions(all, offset, hConsumed, hExamined, "TryParseHeader");
        CheckPositions(all, offset, consumed, examined, "TryParse");

        if (available < FrameHeader.Size)
        {
            Check(header == FrameParseStatus.Incomplete && whole == FrameParseStatus.Incomplete, "fewer than 8 bytes are incomplete");
            Check(all.GetOffset(hConsumed) == offset && all.GetOffset(consumed) == offset, "an incomplete header consumes nothing");
            Check(all.GetOffset(hExamined) == flat.Length && all.GetOffset(examined) == flat.Length, "an incomplete header is examined to the end");
            return false;
        }

        ulong declared = BinaryPrimitives.ReadUInt64BigEndian(flat.AsSpan((int)offset, FrameHeader.Size));
        Check(hLength == declared && length == declared, $"the declared length is {declared}");
        long afterHeader = offset + FrameHeader.Size;
        if (declared > (ulong)max)
        {
            Check(header == FrameParseStatus.TooLarge && whole == FrameParseStatus.TooLarge, $"{declared} > {max} is too large");
            Check(all.GetOffset(hConsumed) == afterHeader && all.GetOffset(consumed) == afterHeader, "a too-large frame consumes its header only");

            // From the header alone: the same verdict with not one payload byte present.
            FrameParseStatus alone = FrameParser.TryParseHeader(rest.Slice(0, FrameHeader.Size), max, out _, out _, out ulong aloneLength);
            Check(alone == FrameParseStatus.TooLarge && aloneLength == declared, "too large is decided from the 8 header bytes alone");
            return false;
        }

        Check(header == FrameParseStatus.Parsed, "a header within the limit is parsed");
        Check(all.GetOffset(hConsumed) == afterHeader, "a parsed header consumes exactly 8 bytes");
        long end = afterHeader + (long)declared;
        if (end > flat.Length)
        {
            Check(whole == FrameParseStatus.Incomplete, "a frame missing payload bytes is incomplete");
            Check(all.GetOffset(consumed) == offset, "an incomplete frame consumes nothing");
            Check(all.GetOffset(examined) == flat.Length, "an incomplete frame is examined to the end");
            return false;
        }

        Check(whole == FrameParseStatus.Parsed, "a whole frame is parsed");
        Check(all.GetOffset(consumed) == end, "a parsed frame consumes header and payload");
        Check(payload.Length == (long)declared, "the payload has the declared length");
        Check(payload.ToArray().AsSpan().SequenceEqual(flat.AsSpan((int)afterHeader, (int)declared)), "the payload is the bytes after the header");
        next = end;
        return true;
    }

    private static void CheckPositions(ReadOnlySequence<byte> all, long offset, SequencePosition consumed, SequencePosition examined, string method)
    {
        long c = all.GetOffset(consumed);
        long e = all.GetOffset(examined);
        Check(c >= offset, $"{method}: consumed does not go backwards");
        Check(e >= c, $"{method}: examined ({e}) >= consumed ({c})");
        Check(e <= all.Length, $"{method}: examined ({e}) within the input ({all.Length})");
    }

    private static void Check(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new FrameParserInvariantException(invariant);
        }
    }
}

/// <summary>The frame parser broke an invariant of the protocol or of <c>AdvanceTo</c>.</summary>
internal sealed class FrameParserInvariantException(string invariant) : Exception("Frame parser invariant broken: " + invariant);
