using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using RleTcp.Cli.Common;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using Spectre.Console;

namespace RleTcp.Cli.Commands;

/// <summary>
/// <c>rletcp compress-dir IN OUT [--parallel N] [--server host:port | --local] [--mode pillow|threshold]</c>: the
/// directory job. Every image in IN becomes OUT/NAME.rle; a failed file is reported and never stops the others.
/// </summary>
internal static class CompressDirCommand
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".bmp", ".dib", ".gif", ".tif", ".tiff", ".pbm", ".pgm", ".ppm", ".pnm", ".tga", ".jpg", ".jpeg", ".webp",
    };

    public static Command Create()
    {
        var input = new Argument<DirectoryInfo>("in") { Description = "Folder of images (its files, not sub-folders)." };
        var output = new Argument<DirectoryInfo>("out") { Description = "Folder for the .rle files (created if missing)." };
        var parallel = new Option<int>("--parallel", "-p")
        {
            Description = "Files in flight at once.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        parallel.Validators.Add(r =>
        {
            if (OptionValues.TryGet(r, out int n) && n is < 1 or > 256)
            {
                r.AddError("--parallel must be 1..256.");
            }
        });
        var server = CommonOptions.Server();
        var local = CommonOptions.Local();
        var mode = CommonOptions.Mode();
        var timeout = CommonOptions.LocalTimeout();
        var command = new Command("compress-dir", "Compress every image in a folder, with progress and a summary.") { input, output, parallel, server, local, mode, timeout };
        CommonOptions.RequireLocalForMode(command, local, mode, server);
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) => tls.Apply(result, result.GetRequiredValue(server)) is { } address
            ? await RunAsync(
                result.GetRequiredValue(input), result.GetRequiredValue(output), result.GetValue(parallel),
                address, result.GetValue(local), result.GetValue(mode), result.GetValue(timeout), cancellationToken)
            : ExitCodes.Usage);
        return command;
    }

    private sealed record FileOutcome(string Name, long BytesIn, long BytesOut, string? Error);

    private static async Task<int> RunAsync(
        DirectoryInfo input, DirectoryInfo output, int parallel, ServerAddress server, bool local, ConversionMode mode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!input.Exists)
        {
            Failures.WriteError($"no such folder: {input.FullName}");
            return ExitCodes.Usage;
        }

        FileInfo[] files = input.EnumerateFiles()
            .Where(f => ImageExtensions.Contains(f.Extension))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();
        await using IImageCompressor? compressor = await CompressorFactory.CreateAsync(
            local, mode, server, connections: Math.Min(parallel, 4), cancellationToken, timeout);
        if (compressor is null)
        {
            return ExitCodes.Unreachable;
        }

        output.Create();
        var outcomes = new ConcurrentBag<FileOutcome>();
        long start = Stopwatch.GetTimestamp();
        if (Terminal.IsInteractive)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    ProgressTask task = context.AddTask($"compressing {files.Length} files ({Markup.Escape(compressor.Description)})", maxValue: Math.Max(1, files.Length));
                    await CompressAllAsync(files, output, parallel, compressor, outcomes, _ => task.Increment(1), cancellationToken);
                });
        }
        else
        {
            Console.WriteLine($"compressing {files.Length} files from {input.FullName} ({compressor.Description})");
            int done = 0;
            await CompressAllAsync(files, output, parallel, compressor, outcomes, outcome =>
            {
                int n = Interlocked.Increment(ref done);
                string status = outcome.Error is null ? $"{outcome.BytesIn} -> {outcome.BytesOut} bytes" : $"FAILED {outcome.Error}";
                Console.WriteLine($"[{n}/{files.Length}] {outcome.Name}: {status}");
            }, cancellationToken);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        WriteSummary(outcomes.ToArray(), elapsed);
        return outcomes.Any(o => o.Error is not null) ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    private static Task CompressAllAsync(
        FileInfo[] files, DirectoryInfo output, int parallel, IImageCompressor compressor,
        ConcurrentBag<FileOutcome> outcomes, Action<FileOutcome> onDone, CancellationToken cancellationToken)
    {
        // Claimed in folder order before any work starts, so which file keeps a clashing name never depends on timing.
        var claims = new OutputClaims();
        string?[] clashes = files.Select(f => claims.Claim(OutputPaths.For(f.FullName, output, ".rle"), f)).ToArray();
        return Parallel.ForEachAsync(Enumerable.Range(0, files.Length), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (index, ct) =>
        {
            FileInfo file = files[index];
            FileOutcome outcome;
            long bytesIn = 0;
            if (clashes[index] is { } clash)
            {
                outcome = new FileOutcome(file.Name, 0, 0, clash);
                outcomes.Add(outcome);
                onDone(outcome);
                return;
            }

            try
            {
                byte[] image = await File.ReadAllBytesAsync(file.FullName, ct);
                bytesIn = image.Length;
                byte[] rle = await compressor.CompressAsync(image, ct);
                await File.WriteAllBytesAsync(OutputPaths.For(file.FullName, output, ".rle"), rle, ct);
                outcome = new FileOutcome(file.Name, bytesIn, rle.Length, null);
            }
            catch (Exception ex) when (Failures.IsInputFailure(ex))
            {
                outcome = new FileOutcome(file.Name, bytesIn, 0, Failures.Describe(ex));
            }

            outcomes.Add(outcome);
            onDone(outcome);
        });
    }

    private static void WriteSummary(FileOutcome[] outcomes, TimeSpan elapsed)
    {
        FileOutcome[] ok = outcomes.Where(o => o.Error is null).ToArray();
        long bytesIn = ok.Sum(o => o.BytesIn), bytesOut = ok.Sum(o => o.BytesOut);
        var summary = new Table().Title("compress-dir").AddColumns("files", "ok", "failed", "bytes in", "bytes out", "out/in", "time", "files/s");
        summary.AddRow(
            outcomes.Length.ToString(), ok.Length.ToString(), (outcomes.Length - ok.Length).ToString(),
            Terminal.Bytes(bytesIn), Terminal.Bytes(bytesOut), Terminal.Ratio(bytesIn, bytesOut),
            $"{elapsed.TotalSeconds:0.00} s", elapsed.TotalSeconds > 0 ? $"{outcomes.Length / elapsed.TotalSeconds:0.0}" : "-");
        AnsiConsole.Write(summary);

        FileOutcome[] failed = outcomes.Where(o => o.Error is not null).OrderBy(o => o.Name, StringComparer.Ordinal).ToArray();
        if (failed.Length > 0)
        {
            var failures = new Table().Title("failed files").AddColumns("file", "reason");
            foreach (FileOutcome f in failed)
            {
                failures.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Error!));
            }

            AnsiConsole.Write(failures);
        }
    }
}
