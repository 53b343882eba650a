using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A 16x16 byte transpose in four rounds of SSE2 unpacks (bytes, then 16-, 32- and 64-bit pairs), for
/// <see cref="PngBandUnfilter"/>, which turns sixteen rows' bytes into sixteen steps of its wavefront and back.
/// </summary>
internal static class ByteTranspose
{
    /// <summary>Transposes 16x16 bytes in place: byte j of vector i becomes byte i of vector j.</summary>
    /// <remarks>Written out, so that every intermediate stays in a register (the loop form kept them in memory: 64
    /// stores and 128 loads a transpose).</remarks>
    public static void Transpose16(ref Vector128x16 v)
    {
        // Rows 2i and 2i+1 interleaved: columns 0-7 (a[2i]) and 8-15 (a[2i+1]).
        Vector128<byte> a0 = Sse2.UnpackLow(v[0], v[1]), a1 = Sse2.UnpackHigh(v[0], v[1]);
        Vector128<byte> a2 = Sse2.UnpackLow(v[2], v[3]), a3 = Sse2.UnpackHigh(v[2], v[3]);
        Vector128<byte> a4 = Sse2.UnpackLow(v[4], v[5]), a5 = Sse2.UnpackHigh(v[4], v[5]);
        Vector128<byte> a6 = Sse2.UnpackLow(v[6], v[7]), a7 = Sse2.UnpackHigh(v[6], v[7]);
        Vector128<byte> a8 = Sse2.UnpackLow(v[8], v[9]), a9 = Sse2.UnpackHigh(v[8], v[9]);
        Vector128<byte> a10 = Sse2.UnpackLow(v[10], v[11]), a11 = Sse2.UnpackHigh(v[10], v[11]);
        Vector128<byte> a12 = Sse2.UnpackLow(v[12], v[13]), a13 = Sse2.UnpackHigh(v[12], v[13]);
        Vector128<byte> a14 = Sse2.UnpackLow(v[14], v[15]), a15 = Sse2.UnpackHigh(v[14], v[15]);

        // b[4g + q]: rows 4g..4g+3, columns 4q..4q+3.
        Vector128<ushort> b0 = Sse2.UnpackLow(a0.AsUInt16(), a2.AsUInt16()), b1 = Sse2.UnpackHigh(a0.AsUInt16(), a2.AsUInt16());
        Vector128<ushort> b2 = Sse2.UnpackLow(a1.AsUInt16(), a3.AsUInt16()), b3 = Sse2.UnpackHigh(a1.AsUInt16(), a3.AsUInt16());
        Vector128<ushort> b4 = Sse2.UnpackLow(a4.AsUInt16(), a6.AsUInt16()), b5 = Sse2.UnpackHigh(a4.AsUInt16(), a6.AsUInt16());
        Vector128<ushort> b6 = Sse2.UnpackLow(a5.AsUInt16(), a7.AsUInt16()), b7 = Sse2.UnpackHigh(a5.AsUInt16(), a7.AsUInt16());
        Vector128<ushort> b8 = Sse2.UnpackLow(a8.AsUInt16(), a10.AsUInt16()), b9 = Sse2.UnpackHigh(a8.AsUInt16(), a10.AsUInt16());
        Vector128<ushort> b10 = Sse2.UnpackLow(a9.AsUInt16(), a11.AsUInt16()), b11 = Sse2.UnpackHigh(a9.AsUInt16(), a11.AsUInt16());
        Vector128<ushort> b12 = Sse2.UnpackLow(a12.AsUInt16(), a14.AsUInt16()), b13 = Sse2.UnpackHigh(a12.AsUInt16(), a14.AsUInt16());
        Vector128<ushort> b14 = Sse2.UnpackLow(a13.AsUInt16(), a15.AsUInt16()), b15 = Sse2.UnpackHigh(a13.AsUInt16(), a15.AsUInt16());

        // c[8h + m]: rows 8h..8h+7, columns 2m and 2m+1.
        Vector128<uint> c0 = Sse2.UnpackLow(b0.AsUInt32(), b4.AsUInt32()), c1 = Sse2.UnpackHigh(b0.AsUInt32(), b4.AsUInt32());
        Vector128<uint> c2 = Sse2.UnpackLow(b1.AsUInt32(), b5.AsUInt32()), c3 = Sse2.UnpackHigh(b1.AsUInt32(), b5.AsUInt32());
        Vector128<uint> c4 = Sse2.UnpackLow(b2.AsUInt32(), b6.AsUInt32()), c5 = Sse2.UnpackHigh(b2.AsUInt32(), b6.AsUInt32());
        Vector128<uint> c6 = Sse2.UnpackLow(b3.AsUInt32(), b7.AsUInt32()), c7 = Sse2.UnpackHigh(b3.AsUInt32(), b7.AsUInt32());
        Vector128<uint> c8 = Sse2.UnpackLow(b8.AsUInt32(), b12.AsUInt32()), c9 = Sse2.UnpackHigh(b8.AsUInt32(), b12.AsUInt32());
        Vector128<uint> c10 = Sse2.UnpackLow(b9.AsUInt32(), b13.AsUInt32()), c11 = Sse2.UnpackHigh(b9.AsUInt32(), b13.AsUInt32());
        Vector128<uint> c12 = Sse2.UnpackLow(b10.AsUInt32(), b14.AsUInt32()), c13 = Sse2.UnpackHigh(b10.AsUInt32(), b14.AsUInt32());
        Vector128<uint> c14 = Sse2.UnpackLow(b11.AsUInt32(), b15.AsUInt32()), c15 = Sse2.UnpackHigh(b11.AsUInt32(), b15.AsUInt32());

        v[0] = Sse2.UnpackLow(c0.AsUInt64(), c8.AsUInt64()).AsByte();
        v[1] = Sse2.UnpackHigh(c0.AsUInt64(), c8.AsUInt64()).AsByte();
        v[2] = Sse2.UnpackLow(c1.AsUInt64(), c9.AsUInt64()).AsByte();
        v[3] = Sse2.UnpackHigh(c1.AsUInt64(), c9.AsUInt64()).AsByte();
        v[4] = Sse2.UnpackLow(c2.AsUInt64(), c10.AsUInt64()).AsByte();
        v[5] = Sse2.UnpackHigh(c2.AsUInt64(), c10.AsUInt64()).AsByte();
        v[6] = Sse2.UnpackLow(c3.AsUInt64(), c11.AsUInt64()).AsByte();
        v[7] = Sse2.UnpackHigh(c3.AsUInt64(), c11.AsUInt64()).AsByte();
        v[8] = Sse2.UnpackLow(c4.AsUInt64(), c12.AsUInt64()).AsByte();
        v[9] = Sse2.UnpackHigh(c4.AsUInt64(), c12.AsUInt64()).AsByte();
        v[10] = Sse2.UnpackLow(c5.AsUInt64(), c13.AsUInt64()).AsByte();
        v[11] = Sse2.UnpackHigh(c5.AsUInt64(), c13.AsUInt64()).AsByte();
        v[12] = Sse2.UnpackLow(c6.AsUInt64(), c14.AsUInt64()).AsByte();
        v[13] = Sse2.UnpackHigh(c6.AsUInt64(), c14.AsUInt64()).AsByte();
        v[14] = Sse2.UnpackLow(c7.AsUInt64(), c15.AsUInt64()).AsByte();
        v[15] = Sse2.UnpackHigh(c7.AsUInt64(), c15.AsUInt64()).AsByte();
    }
}

/// <summary>Sixteen 128-bit vectors in a row, as <see cref="ByteTranspose.Transpose16"/> takes them.</summary>
[InlineArray(16)]
internal struct Vector128x16
{
    private Vector128<byte> _element;
}
