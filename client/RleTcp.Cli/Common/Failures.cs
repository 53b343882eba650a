using RleTcp.Protocol.Codecs;
using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Rle;

namespace RleTcp.Cli.Common;

/// <summary>Turns the exceptions a command expects into the one line a user reads.</summary>
internal static class Failures
{
    /// <summary>Whether <paramref name="exception"/> is a failure of one input, to report and move past.</summary>
    public static bool IsInputFailure(Exception exception) => exception
        is RleTcpException or RleTcpConnectionException or ImageIntakeException or RleFormatException or BilevelFormatException
        or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
        or TimeoutException or DecodeSandboxException or NotSupportedException;

    public static string Describe(Exception exception) => exception switch
    {
        RleTcpException e => e.ServerMessage.Length > 0 ? $"{e.Status}: {OneLine(e.ServerMessage)}" : e.Status.ToString(),
        ImageIntakeException e => $"{e.Error}: {OneLine(e.Message)}",
        RleFormatException e => $"not a valid .rle file: {OneLine(e.Message)}",
        BilevelFormatException { Codec: "rle" } e => $"not a valid .rle file: {OneLine(e.Message)}",
        BilevelFormatException e => $"not a valid {e.Codec} file: {OneLine(e.Message)}",
        FileNotFoundException e => $"no such file: {e.FileName}",
        TimeoutException e => $"Timeout: {OneLine(e.Message)}",
        DecodeSandboxException e => $"InternalError: {OneLine(e.Message)}",
        _ => OneLine(exception.Message),
    };

    public static void WriteError(string message) => Console.Error.WriteLine($"rletcp: {OneLine(message)}");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
