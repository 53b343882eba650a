using System.Runtime.Intrinsics.X86;

namespace RleTcp.Protocol.Rle;

/// <summary>The row encoders <see cref="RleEncoder"/> can run; all write the same bytes.</summary>
internal enum RleEncoderPath
{
    /// <summary>One leading-zero count per run (RleEncoder.Scalar.cs); every CPU.</summary>
    Scalar,

    /// <summary>AVX2 boundary masks, BMI2 and a byte table for the run positions (RleEncoder.Avx2.cs).</summary>
    Avx2,

    /// <summary>AVX-512 VBMI2: a word's run ends compressed into one vector (RleEncoder.Avx512.cs).</summary>
    Avx512Vbmi2,
}

/// <summary>Which row encoder this process uses, chosen once from what the CPU has.</summary>
public static partial class RleEncoder
{
    /// <summary>
    /// The path this process uses, fixed at start: AVX-512 VBMI2 where the CPU has it, else scalar. The AVX2 path is
    /// not chosen: on this project's Zen 4 machine it measured slower than the scalar loop on the text page (its
    /// eight table steps per word cost more than the scalar loop's few runs per word; docs/PERFORMANCE.md, issue 14),
    /// so it stays an explicitly selectable, tested path until it wins somewhere.
    /// </summary>
    internal static RleEncoderPath Path { get; } =
        IsSupported(RleEncoderPath.Avx512Vbmi2) ? RleEncoderPath.Avx512Vbmi2 : RleEncoderPath.Scalar;

    /// <summary>Whether this CPU (and runtime configuration, e.g. <c>DOTNET_EnableAVX512F=0</c>) can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(RleEncoderPath path) => path switch
    {
        RleEncoderPath.Avx512Vbmi2 => Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Popcnt.X64.IsSupported,
        RleEncoderPath.Avx2 => Avx2.IsSupported && Bmi2.X64.IsSupported && Popcnt.X64.IsSupported,
        _ => true,
    };
}
