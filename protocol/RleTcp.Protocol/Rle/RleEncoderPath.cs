using System.Runtime.Intrinsics.X86;

namespace RleTcp.Protocol.Rle;

/// <summary>The row encoders <see cref="RleEncoder"/> can run; all write the same bytes.</summary>
internal enum RleEncoderPath
{
    /// <summary>One leading-zero count per run (RleEncoder.Scalar.cs); every CPU.</summary>
    Scalar,

    /// <summary>AVX-512 VBMI2: a word's run ends compressed into one vector (RleEncoder.Avx512.cs).</summary>
    Avx512Vbmi2,
}

/// <summary>Which row encoder this process uses, chosen once from what the CPU has.</summary>
public static partial class RleEncoder
{
    /// <summary>
    /// The path this process uses, fixed at start: AVX-512 VBMI2 where the CPU has it, else scalar. (An AVX2
    /// path with a byte table of run positions was tried and removed: 2.2-2.4x slower than scalar on the text page and
    /// line art, docs/PERFORMANCE.md, issue 14.)
    /// </summary>
    internal static RleEncoderPath Path { get; } =
        IsSupported(RleEncoderPath.Avx512Vbmi2) ? RleEncoderPath.Avx512Vbmi2 : RleEncoderPath.Scalar;

    /// <summary>Whether this CPU (and runtime configuration, e.g. <c>DOTNET_EnableAVX512F=0</c>) can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(RleEncoderPath path) => path switch
    {
        RleEncoderPath.Avx512Vbmi2 => Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Popcnt.X64.IsSupported,
        _ => true,
    };
}
