using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The predictors of <see cref="PngBandUnfilter"/>'s lanes (every filter by lane masks, or Paeth alone) and the type
/// arguments its kernel is specialised by (filter unit, one or two vectors).
/// </summary>
internal static partial class PngBandUnfilter
{
    /// <summary>
    /// The Paeth predictor of 16 byte lanes: exact in 8 bits. With pa = |b - c| and pb = |a - c| (the specification's
    /// distances of a and b from a + b - c), pc = |(b - c) + (a - c)|: the positive parts of the two differences
    /// summed, less the negative parts summed. One of the two sums is a single term when their signs differ, so that
    /// difference is exact; when they agree one sum is zero and the other may saturate at 255, which still compares as
    /// "not less" than pa and pb. Ties as the specification breaks them: a, then b, then c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> Paeth(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c)
    {
        Vector128<byte> bOver = Sse2.SubtractSaturate(b, c), bUnder = Sse2.SubtractSaturate(c, b);
        Vector128<byte> aOver = Sse2.SubtractSaturate(a, c), aUnder = Sse2.SubtractSaturate(c, a);
        Vector128<byte> pa = bOver | bUnder, pb = aOver | aUnder;
        Vector128<byte> over = Sse2.AddSaturate(bOver, aOver), under = Sse2.AddSaturate(bUnder, aUnder);
        Vector128<byte> pc = Sse2.SubtractSaturate(over, under) | Sse2.SubtractSaturate(under, over);
        Vector128<byte> takeA = Vector128.Equals(Vector128.Min(pa, pb), pa) & Vector128.Equals(Vector128.Min(pa, pc), pa);
        Vector128<byte> takeB = Vector128.Equals(Vector128.Min(pb, pc), pb);
        return Vector128.ConditionalSelect(takeA, a, Vector128.ConditionalSelect(takeB, b, c));
    }

    // Lane masks of the band's filters (lane 0, the row above, and unused lanes are None).
    private readonly struct Masks(Vector128<byte> filters)
    {
        public readonly Vector128<byte> Sub = Vector128.Equals(filters, Vector128.Create((byte)1));
        public readonly Vector128<byte> Up = Vector128.Equals(filters, Vector128.Create((byte)2));
        public readonly Vector128<byte> Average = Vector128.Equals(filters, Vector128.Create((byte)3));
        public readonly Vector128<byte> Paeth = Vector128.Equals(filters, Vector128.Create((byte)4));
    }

    private interface IUnit
    {
        // Whether the filter unit is two bytes rather than one.
        static abstract bool Two { get; }
    }

    private struct OneByte : IUnit
    {
        public static bool Two => false;
    }

    private struct TwoBytes : IUnit
    {
        public static bool Two => true;
    }

    private interface IWidth
    {
        // Whether the band spans two vectors (32 lanes) rather than one.
        static abstract bool Wide { get; }
    }

    private struct OneVector : IWidth
    {
        public static bool Wide => false;
    }

    private struct TwoVectors : IWidth
    {
        public static bool Wide => true;
    }

    private interface IPredictor
    {
        // The predictor of every lane from a (left), b (above), c (upper left).
        static abstract Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks);

        // The next step's c from this step's b.
        static abstract Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0);
    }

    private struct AllPaeth : IPredictor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks) => Paeth(a, b, c);

        // Lane 0 (the row above) must predict 0. Its b is 0 (shifted in), and with c = 255 Paeth picks b, or a when
        // a = 0: zero either way, without a mask on the output's path.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0) => above | lane0;
    }

    private struct Mixed : IPredictor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks)
        {
            // floor((a + b) / 2): the rounding-up average less the bit it rounded.
            Vector128<byte> average = Sse2.Average(a, b) - ((a ^ b) & Vector128<byte>.One);
            return (masks.Paeth & Paeth(a, b, c)) | (masks.Sub & a) | (masks.Up & b) | (masks.Average & average);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0) => above;
    }
}
