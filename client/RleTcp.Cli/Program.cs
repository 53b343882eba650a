using System.CommandLine;
using RleTcp.Cli.Commands;
using RleTcp.Cli.Common;
using RleTcp.Imaging.Sandbox;
using Spectre.Console;

// First: `compress --local` starts this same executable as its decode workers (also as an installed .NET tool).
if (DecodeWorkerHost.RunIfRequested(args) is int workerExit)
{
    return workerExit;
}

if (Console.IsOutputRedirected)
{
    // Spectre assumes 80 columns when it cannot ask a terminal; logs and pipes would get wrapped table cells.
    AnsiConsole.Profile.Width = 200;
}

var root = new RootCommand("rletcp: compress 1-bit images with run-length encoding over TCP (and test the server that does it).")
{
    DemoCommand.Create(),
    CompressCommand.Create(),
    InfoCommand.Create(),
    DecompressCommand.Create(),
    CompareCommand.Create(),
    CompressDirCommand.Create(),
    LoadCommand.Create(),
};

ParseResult parsed = root.Parse(args);
IReadOnlyList<string> usageErrors = Usage.Errors(parsed);
if (usageErrors.Count > 0)
{
    // Usage errors are exit code 2, one line each and the usage line, before any work; `--help` has the rest.
    foreach (string error in usageErrors)
    {
        Failures.WriteError(error);
    }

    Failures.WriteError(Usage.Line(parsed));
    return ExitCodes.Usage;
}

return await parsed.InvokeAsync();
