using System.Buffers;

namespace RleTcp.Tests.Support;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe delivers them, for parser tests.</summary>
public static class Segments
{
    /// <summary>A sequence over <paramref name="bytes"/> cut at the given offsets (ascending, inside the array).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        int[] bounds = [0, .. cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order(), bytes.Length];
        if (bounds.Length == 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, bounds[1]), 0);
        Segment last = first;
        for (int i = 1; i < bounds.Length - 1; i++)
        {
            last = last.Append(bytes.AsMemory(bounds[i], bounds[i + 1] - bounds[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
