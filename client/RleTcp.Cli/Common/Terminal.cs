namespace RleTcp.Cli.Common;

/// <summary>Whether to draw live progress or write plain lines.</summary>
internal static class Terminal
{
    /// <summary>True when standard output is a terminal a human watches (not a pipe, file or CI log).</summary>
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null && Environment.GetEnvironmentVariable("TERM") != "dumb";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };

    /// <summary>Compressed size as a fraction of the input: below 1 means smaller.</summary>
    public static string Ratio(long input, long output) => input == 0 ? "-" : $"{(double)output / input:0.000}";
}
