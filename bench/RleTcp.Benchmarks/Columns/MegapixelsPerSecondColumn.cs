using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RleTcp.Benchmarks.Images;

namespace RleTcp.Benchmarks.Columns;

/// <summary>
/// Throughput in megapixels per second, from the mean time and the pixel count of the benchmark's
/// <c>Image</c> parameter (a <see cref="BenchImage"/>). Benchmarks without that parameter show "-".
/// </summary>
public sealed class MegapixelsPerSecondColumn : IColumn
{
    /// <summary>The parameter the pixel count is read from.</summary>
    public const string ImageParameter = "Image";

    /// <inheritdoc/>
    public string Id => nameof(MegapixelsPerSecondColumn);

    /// <inheritdoc/>
    public string ColumnName => "MPix/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => "Megapixels of the input image processed per second (pixels / mean time)";

    /// <summary>Megapixels per second for a mean of <paramref name="meanNanoseconds"/> over <paramref name="pixels"/>.</summary>
    public static double Compute(long pixels, double meanNanoseconds) => pixels * 1000.0 / meanNanoseconds;

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0 || benchmarkCase.Parameters[ImageParameter] is not BenchImage image)
        {
            return "-";
        }

        return Compute(BenchImages.PixelCount(image), mean.Value).ToString("N0", style.CultureInfo);
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;
}
