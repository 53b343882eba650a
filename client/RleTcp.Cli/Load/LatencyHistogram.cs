using System.Numerics;

namespace RleTcp.Cli.Load;

/// <summary>
/// A log-linear histogram of latencies in microseconds, in the manner of HdrHistogram: values below 128 are exact,
/// above that each power of two is split into 64 buckets, so any recorded value is known within 1/64 (1.6 %).
/// Recording is two shifts and an increment, with no allocation; one instance per worker, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;                   // 64 buckets per power of two
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = SubBuckets * 2;       // 0..127 recorded exactly
    private const int MaxExponent = 36;                   // 2^36 µs ≈ 19 h: anything above is clamped
    private const long MaxValue = (1L << MaxExponent) - 1;

    private readonly long[] _counts = new long[BucketIndex(MaxValue) + 1];

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    private long Sum { get; set; }

    public void Record(long microseconds)
    {
        long value = Math.Clamp(microseconds, 0, MaxValue);
        _counts[BucketIndex(value)]++;
        Count++;
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The smallest recorded value (to bucket precision) that <paramref name="percentile"/> % of values do not exceed.</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Clamp(HighestValueIn(i), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>Counts per power-of-two range from the first to the last non-empty one: (lower µs, upper µs, count).</summary>
    public IEnumerable<(long From, long To, long Count)> PowerOfTwoRanges()
    {
        if (Count == 0)
        {
            yield break;
        }

        int first = Math.Max(0, BitOperations.Log2((ulong)Math.Max(1, Min)));
        int last = BitOperations.Log2((ulong)Math.Max(1, Max));
        for (int exponent = first; exponent <= last; exponent++)
        {
            long from = exponent == first ? 0 : 1L << exponent;
            long to = (1L << (exponent + 1)) - 1;
            long count = 0;
            for (int i = BucketIndex(from); i <= BucketIndex(Math.Min(to, MaxValue)); i++)
            {
                count += _counts[i];
            }

            yield return (from, to, count);
        }
    }

    private static int BucketIndex(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        int shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return (shift * SubBuckets) + (int)(value >> shift);
    }

    private static long HighestValueIn(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        int shift = (index / SubBuckets) - 1;
        long lowest = (long)(index - (shift * SubBuckets)) << shift;
        return lowest + (1L << shift) - 1;
    }
}
