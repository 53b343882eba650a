namespace RleTcp.Benchmarks.Report;

/// <summary><c>table FILE [--markdown]</c>: prints the rows of a results file as one aligned table.</summary>
public static class TableCommand
{
    /// <summary>Runs the command.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: table RESULTS.tsv [--markdown]");
            return 2;
        }

        ResultRow[] rows = File.ReadAllLines(args[0]).Where(l => l.Length > 0).Select(ResultRow.Parse).ToArray();
        bool markdown = args.Contains("--markdown");
        string[][] cells = [ResultRow.Header, .. rows.Select(r => new[] { r.Section, r.Measure, r.Figure, r.Ratio, r.Target, r.Verdict })];
        int[] widths = Enumerable.Range(0, ResultRow.Header.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();
        for (int i = 0; i < cells.Length; i++)
        {
            string[] padded = cells[i].Select((cell, c) => cell.PadRight(widths[c])).ToArray();
            Console.WriteLine(markdown ? "| " + string.Join(" | ", padded) + " |" : string.Join("  ", padded).TrimEnd());
            if (i == 0)
            {
                Console.WriteLine(markdown
                    ? "|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|"
                    : new string('-', widths.Sum() + (2 * (widths.Length - 1))));
            }
        }

        return 0;
    }
}
