using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using RleTcp.Benchmarks.Columns;

namespace RleTcp.Benchmarks.Micro;

/// <summary>What every codec benchmark reports besides the defaults: megapixels per second and allocations.</summary>
public sealed class CodecConfig : ManualConfig
{
    /// <summary>Adds the throughput column and the memory diagnoser.</summary>
    public CodecConfig()
    {
        AddColumn(new MegapixelsPerSecondColumn());
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
