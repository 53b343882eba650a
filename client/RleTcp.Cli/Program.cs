using System.CommandLine;
using RleTcp.Cli.Commands;
using RleTcp.Cli.Common;
using Spectre.Console;

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
    CompressDirCommand.Create(),
    LoadCommand.Create(),
};

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors are exit code 2 and one line each; `rletcp COMMAND --help` has the rest.
    foreach (var error in parsed.Errors)
    {
        Failures.WriteError(error.Message);
    }

    return ExitCodes.Usage;
}

return await parsed.InvokeAsync();
