namespace RleTcp.Tests.Hardening;

/// <summary>
/// Tests that measure memory run alone (after the parallel ones), so other tests' allocations do not blur the figures.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;
