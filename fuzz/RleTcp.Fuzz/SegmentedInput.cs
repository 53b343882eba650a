using System.Buffers;

namespace RleTcp.Fuzz;

/// <summary>
/// Cuts bytes into a multi-segment <see cref="ReadOnlySequence{T}"/> the way a pipe may deliver them, steered by one
/// shape byte, so the fuzzer explores headers and payloads split at every point.
/// </summary>
/// <remarks>
/// Shape bits 0-3: the segment size, 1..16 bytes. Bit 4: alternate those with 1-byte segments (a header in up to eight
/// pieces). Bit 5: put an empty segment after each one (pipes can hand out empty segments). Bits 6-7 are not used here.
/// </remarks>
internal static class SegmentedInput
{
    /// <summary>The sequence over <paramref name="bytes"/> cut as <paramref name="shape"/> says.</summary>
    public static ReadOnlySequence<byte> Cut(byte[] bytes, byte shape)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        int size = (shape & 0x0F) + 1;
        bool alternate = (shape & 0x10) != 0;
        bool empties = (shape & 0x20) != 0;

        Segment? first = null;
        Segment? last = null;
        int at = 0;
        for (int i = 0; at < bytes.Length; i++)
        {
            int take = Math.Min(alternate && i % 2 == 1 ? 1 : size, bytes.Length - at);
            Append(ref first, ref last, bytes.AsMemory(at, take));
            at += take;
            if (empties && at < bytes.Length)
            {
                Append(ref first, ref last, ReadOnlyMemory<byte>.Empty);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static void Append(ref Segment? first, ref Segment? last, ReadOnlyMemory<byte> memory)
    {
        var segment = new Segment(memory, last is null ? 0 : last.RunningIndex + last.Memory.Length);
        if (last is null)
        {
            first = segment;
        }
        else
        {
            last.SetNext(segment);
        }

        last = segment;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
