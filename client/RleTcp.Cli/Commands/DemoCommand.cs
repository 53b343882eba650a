using System.CommandLine;
using System.Diagnostics;
using RleTcp.Cli.Common;
using RleTcp.Cli.Demo;
using RleTcp.Client;
using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Server.Hosting;
using Spectre.Console;

namespace RleTcp.Cli.Commands;

/// <summary>
/// <c>rletcp demo [-o DIR]</c>: the first command of the README. Starts a server in this process, sends it
/// generated pictures, checks every answer and writes inputs, .rle files and decoded PNGs into ./rletcp-demo/.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Folder for the demo's files.",
            HelpName = "dir",
            DefaultValueFactory = _ => new DirectoryInfo("rletcp-demo"),
        };
        var command = new Command("demo", "Start an embedded server, compress generated sample pictures through it, check the round trip.") { output };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetRequiredValue(output), cancellationToken));
        return command;
    }

    private sealed record Outcome(SampleImage Sample, byte[] Rle, TimeSpan Time, string? Problem);

    private static async Task<int> RunAsync(DirectoryInfo output, CancellationToken cancellationToken)
    {
        output.Create();
        IReadOnlyList<SampleImage> samples = SampleImages.All();
        await using EmbeddedRleTcpServer server = await EmbeddedRleTcpServer.StartAsync(cancellationToken: cancellationToken);
        Console.WriteLine($"embedded RleTcp server listening on {server.EndPoint}");
        var outcomes = new List<Outcome>();
        await using (RleTcpClient client = await RleTcpClient.ConnectAsync(server.EndPoint, cancellationToken: cancellationToken))
        {
            TimeSpan ping = await client.PingAsync(cancellationToken);
            Console.WriteLine($"ping: {ping.TotalMilliseconds:0.000} ms");
            foreach (SampleImage sample in samples)
            {
                await File.WriteAllBytesAsync(Path.Combine(output.FullName, sample.FileName), sample.File, cancellationToken);
                long start = Stopwatch.GetTimestamp();
                RleCompressionResult result = await client.CompressAsync(sample.File, cancellationToken);
                TimeSpan time = Stopwatch.GetElapsedTime(start);
                BitImage decoded = result.ToBitImage();
                await File.WriteAllBytesAsync(Path.Combine(output.FullName, sample.Name + ".rle"), result.Rle, cancellationToken);
                await File.WriteAllBytesAsync(Path.Combine(output.FullName, sample.Name + ".decoded.png"), RleImageFiles.ToImageFile(decoded, DecodedImageFormat.Png), cancellationToken);
                outcomes.Add(new Outcome(sample, result.Rle, time, Check(sample, result.Rle, decoded)));
            }
        }

        WriteTable(outcomes);
        Console.WriteLine($"files written to {output.FullName}");
        foreach (Outcome failed in outcomes.Where(o => o.Problem is not null))
        {
            Failures.WriteError($"{failed.Sample.FileName}: {failed.Problem}");
        }

        return outcomes.All(o => o.Problem is null) ? ExitCodes.Success : ExitCodes.SomeFailed;
    }

    /// <summary>The server's bytes must equal an in-process compression; decoding and re-encoding must give them back; a bilevel input must come back pixel for pixel.</summary>
    private static string? Check(SampleImage sample, byte[] rle, BitImage decoded)
    {
        byte[] local = RleCompressor.Compress(sample.File, new IntakeOptions());
        if (!rle.AsSpan().SequenceEqual(local))
        {
            return $"the server's {rle.Length} bytes differ from the local compression's {local.Length}";
        }

        if (!RleEncoder.Encode(decoded).AsSpan().SequenceEqual(rle))
        {
            return "decoding and re-encoding the answer does not give the same bytes";
        }

        if (sample.Bilevel is { } original && !original.Equals(decoded))
        {
            return "the decoded picture differs from the original";
        }

        return null;
    }

    private static void WriteTable(List<Outcome> outcomes)
    {
        var table = new Table().Title("rletcp demo").AddColumns("input", "what", "size", "input bytes", "RLE bytes", "RLE/input", "RLE/1-bit", "time", "round trip");
        foreach (Outcome o in outcomes)
        {
            RleDecoder.TryReadHeader(o.Rle, out int width, out int height);
            long packed = (long)BitImage.BytesPerPackedRow(width) * height;
            table.AddRow(
                Markup.Escape(o.Sample.FileName), Markup.Escape(o.Sample.Description), $"{width}x{height}",
                o.Sample.File.Length.ToString(), o.Rle.Length.ToString(), Terminal.Ratio(o.Sample.File.Length, o.Rle.Length),
                Terminal.Ratio(packed, o.Rle.Length), $"{o.Time.TotalMilliseconds:0.0} ms", o.Problem is null ? "ok" : "[red]FAILED[/]");
        }

        AnsiConsole.Write(table);
    }
}
