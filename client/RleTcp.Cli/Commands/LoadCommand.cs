using System.CommandLine;
using System.CommandLine.Parsing;
using RleTcp.Cli.Common;
using RleTcp.Cli.Load;
using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Client;
using RleTcp.Protocol.V2;

namespace RleTcp.Cli.Commands;

/// <summary>
/// <c>rletcp load --server host:port -c CONNECTIONS (-n REQUESTS | -d DURATION) [--pipeline K] [--rate R] FILE... [--verify] [--json] [--tls [--ca FILE] [--client-cert FILE [--client-key FILE]]]</c>:
/// a load generator in the manner of wrk, hey and redis-benchmark.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Images to send, in turn.", Arity = ArgumentArity.OneOrMore };
        var server = CommonOptions.Server();
        var connections = new Option<int>("--connections", "-c") { Description = "TCP connections.", DefaultValueFactory = _ => 1 };
        var requests = new Option<long?>("--requests", "-n") { Description = "Stop after this many requests." };
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "Stop sending after this long (500ms, 10s, 2m).",
            HelpName = "duration",
            CustomParser = ParseDuration,
        };
        var pipeline = new Option<int>("--pipeline", "-k") { Description = "Requests in flight per connection.", DefaultValueFactory = _ => 1 };
        var rate = new Option<double?>("--rate", "-r") { Description = "Open loop: send this many requests per second in total, whatever the answers do; latency counts from the intended send time." };
        var timeout = new Option<TimeSpan>("--timeout", "-t")
        {
            Description = "A connection whose oldest answer is this late is failed (its requests count as timeouts).",
            HelpName = "duration",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
            CustomParser = r => ParseDuration(r) ?? default,
        };
        var verify = new Option<bool>("--verify") { Description = "Compare every answer byte for byte with a local compression; any mismatch fails the run." };
        var mode = CommonOptions.Mode();
        var protocol = WireProtocolOption.Create();
        var request = new RequestOptionSet();
        mode.Description = "The conversion the server is configured with, for --verify.";
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        Range(connections, 1, 1024);
        Range(pipeline, 1, 1024);
        var command = new Command("load", "Load-test a server: throughput, latency percentiles, errors.")
        {
            files, server, connections, requests, duration, pipeline, rate, timeout, verify, mode, protocol, json,
        };
        request.AddTo(command);
        requests.Validators.Add(r =>
        {
            if (OptionValues.TryGet(r, out long? n) && n is < 1)
            {
                r.AddError("-n must be at least 1.");
            }
        });
        rate.Validators.Add(r =>
        {
            if (OptionValues.TryGet(r, out double? given) && given is { } value && !(value > 0 && value <= 10_000_000))
            {
                r.AddError("--rate must be above 0 (requests per second).");
            }
        });
        command.Validators.Add(result =>
        {
            // Presence only: a value that failed to parse already has its own error, and reading it would throw.
            if ((result.GetResult(requests) is not null) == (result.GetResult(duration) is not null))
            {
                result.AddError("give exactly one of -n REQUESTS or -d DURATION: the run must stop by itself.");
            }
        });
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (tls.Apply(result, result.GetRequiredValue(server)) is not { } address)
            {
                return ExitCodes.Usage;
            }

            V2RequestOptions options = request.Read(result, ConversionMode.Pillow);
            WireProtocol wire = result.GetValue(protocol);
            if (wire == WireProtocol.Textbook && (!options.IsEmpty || address.Tls is not null))
            {
                Failures.WriteError("--protocol textbook takes no per-request options and no --tls: the chapter's wire carries the image alone");
                return ExitCodes.Usage;
            }

            if (!options.IsEmpty && wire == WireProtocol.V1)
            {
                Failures.WriteError("per-request options (--threshold, --invert, --page, --width, ...) need --protocol v2 or auto");
                return ExitCodes.Usage;
            }

            IReadOnlyList<LoadPayload>? payloads = await ReadPayloadsAsync(
                result.GetRequiredValue(files), result.GetValue(verify), result.GetValue(mode), options, cancellationToken);
            if (payloads is null)
            {
                return ExitCodes.SomeFailed;
            }

            var settings = new LoadSettings(
                address, result.GetValue(connections), result.GetValue(pipeline),
                result.GetValue(requests), result.GetValue(duration), result.GetValue(rate), result.GetValue(timeout), payloads,
                wire, options.IsEmpty ? null : options);
            return await RunAsync(settings, result.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(LoadSettings settings, bool json, CancellationToken cancellationToken)
    {
        if (!json)
        {
            string bound = settings.Requests is { } n ? $"{n} requests" : $"{settings.Duration!.Value.TotalSeconds:0.###} s";
            Console.Error.WriteLine($"rletcp load: {bound} to {settings.Server}, {settings.Connections} connection(s) x pipeline {settings.Pipeline}, {settings.Payloads.Count} file(s)");
        }

        LoadResult result = await new LoadRunner(settings).RunAsync(cancellationToken);
        if (result.UnreachableReason is { } reason)
        {
            Failures.WriteError($"cannot reach the server at {settings.Server}: {reason}");
            return ExitCodes.Unreachable;
        }

        if (json)
        {
            LoadReport.WriteJson(result);
        }
        else
        {
            LoadReport.WriteText(result);
        }

        if (result.Stats.Mismatches > 0)
        {
            Failures.WriteError($"{result.Stats.Mismatches} answers differ from the local compression");
            return ExitCodes.SomeFailed;
        }

        return result.Failed > 0 || result.Stats.Ok == 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<LoadPayload>?> ReadPayloadsAsync(
        FileInfo[] files, bool verify, ConversionMode mode, V2RequestOptions request, CancellationToken cancellationToken)
    {
        var payloads = new List<LoadPayload>(files.Length);
        await using var local = new LocalImageCompressor(mode, parallel: 1, CommonOptions.DefaultLocalTimeout, encodeOptions: null, request.IsEmpty ? null : request);
        foreach (FileInfo file in files)
        {
            byte[] data;
            try
            {
                data = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
            }
            catch (Exception ex) when (Failures.IsInputFailure(ex))
            {
                Failures.WriteError($"{file.Name}: {Failures.Describe(ex)}");
                return null;
            }

            if (data.Length == 0)
            {
                Failures.WriteError($"{file.Name}: the file is empty (an empty frame would be a ping)");
                return null;
            }

            byte[]? expected = null;
            if (verify)
            {
                try
                {
                    expected = await local.CompressAsync(data, cancellationToken);
                }
                catch (ImageIntakeException)
                {
                    expected = null; // the server must refuse it too
                }
            }

            payloads.Add(new LoadPayload(file.Name, data, verify, expected));
        }

        return payloads;
    }


    private static void Range(Option<int> option, int min, int max) => option.Validators.Add(r =>
    {
        if (OptionValues.TryGet(r, out int value) && (value < min || value > max))
        {
            r.AddError($"{option.Name} must be {min}..{max}.");
        }
    });

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationParser.TryParse(text, out TimeSpan duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration (like 500ms, 10s, 2m; at most 24h).");
        return null;
    }
}
