using System.Globalization;

namespace RleTcp.Benchmarks.Report;

/// <summary>One line of the run.sh table: a figure, its ratio to the baseline of the same run, and the target.</summary>
/// <param name="Section">What part is measured (encode, intake, one big image, ...).</param>
/// <param name="Measure">What exactly, including the input.</param>
/// <param name="Figure">The measured figure with its unit.</param>
/// <param name="Ratio">The ratio that the target is stated in, measured in the same run ("-" when none).</param>
/// <param name="Target">The target for the ratio or figure ("-" for context rows).</param>
/// <param name="Verdict">"met", "MISSED", or "info".</param>
public sealed record ResultRow(string Section, string Measure, string Figure, string Ratio, string Target, string Verdict)
{
    /// <summary>The column names, in order.</summary>
    public static readonly string[] Header = ["section", "measure", "figure", "ratio", "target", "verdict"];

    /// <summary>"met" or "MISSED".</summary>
    public static string Judge(bool met) => met ? "met" : "MISSED";

    /// <summary>Formats a number with the invariant culture.</summary>
    public static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The row as one tab-separated line.</summary>
    public string ToTsv() => string.Join('\t', Section, Measure, Figure, Ratio, Target, Verdict);

    /// <summary>Reads a line written by <see cref="ToTsv"/>.</summary>
    public static ResultRow Parse(string line)
    {
        string[] f = line.Split('\t');
        if (f.Length != 6)
        {
            throw new FormatException($"A result line needs 6 tab-separated fields: '{line}'.");
        }

        return new ResultRow(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    /// <summary>Appends rows to a results file (one run.sh run writes all its rows to one file).</summary>
    public static void Append(string path, IEnumerable<ResultRow> rows) =>
        File.AppendAllLines(path, rows.Select(r => r.ToTsv()));
}
