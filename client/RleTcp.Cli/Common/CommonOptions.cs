using System.CommandLine;
using System.CommandLine.Parsing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Cli.Common;

/// <summary>Options several commands share; each command gets its own instances.</summary>
internal static class CommonOptions
{
    public static Option<ServerAddress> Server() => new("--server", "-s")
    {
        Description = "The server as host:port.",
        HelpName = "host:port",
        DefaultValueFactory = _ => ServerAddress.Default,
        CustomParser = ParseServer,
    };

    public static Option<bool> Local() => new("--local")
    {
        Description = "Compress in this process instead of through a server.",
    };

    /// <summary>The default of <see cref="LocalTimeout"/>: the server's own RequestTimeout default.</summary>
    public static readonly TimeSpan DefaultLocalTimeout = TimeSpan.FromSeconds(60);

    public static Option<TimeSpan> LocalTimeout() => new("--timeout")
    {
        Description = "With --local: the longest one image may take; a decoder still running then is killed and the file fails (e.g. 500ms, 30s).",
        HelpName = "duration",
        DefaultValueFactory = _ => DefaultLocalTimeout,
        CustomParser = ParseTimeout,
    };

    public static Option<ConversionMode> Mode() => new("--mode")
    {
        Description = "Conversion to 1 bit: pillow (Floyd-Steinberg like Pillow's convert('1')) or threshold (luma >= 128).",
        HelpName = "pillow|threshold",
        DefaultValueFactory = _ => ConversionMode.Pillow,
        CustomParser = ParseMode,
    };

    public static Option<DirectoryInfo?> Output(string description) => new("--output", "-o")
    {
        Description = description,
        HelpName = "dir",
    };

    /// <summary>--local and --server exclude each other (--mode goes to a server as a protocol v2 option).</summary>
    public static void RequireLocalForMode(Command command, Option<bool> local, Option<ConversionMode> mode, Option<ServerAddress> server)
    {
        command.Validators.Add(result =>
        {
            // Tokens, not values: a value that failed to parse has its own error already, and reading it would throw.
            bool isLocal = result.GetResult(local) is { Implicit: false } given && !given.Tokens.Any(t => t.Value == "false");
            if (isLocal && result.GetResult(server) is { Implicit: false })
            {
                result.AddError("--local and --server exclude each other.");
            }

        });
    }

    private static ServerAddress? ParseServer(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (ServerAddress.TryParse(text, out ServerAddress? address, out string? error))
        {
            return address;
        }

        result.AddError($"--server: {error}");
        return null;
    }

    private static TimeSpan ParseTimeout(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationParser.TryParse(text, out TimeSpan timeout))
        {
            return timeout;
        }

        result.AddError($"--timeout: '{text}' is not a duration of at most a day (e.g. 500ms, 30s, 2m).");
        return default;
    }

    private static ConversionMode ParseMode(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Enum.TryParse(text, ignoreCase: true, out ConversionMode mode) && Enum.IsDefined(mode) && text.Length > 0 && !char.IsDigit(text[0]))
        {
            return mode;
        }

        result.AddError($"--mode: '{text}' is not pillow or threshold.");
        return default;
    }
}
