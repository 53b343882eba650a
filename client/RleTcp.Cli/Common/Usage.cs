using System.CommandLine;
using System.CommandLine.Parsing;

namespace RleTcp.Cli.Common;

/// <summary>
/// Usage errors beyond the parser's own: an argument that looks like an option (starts with '-') is an option this
/// command does not have, not a file name (issue 18 §5: <c>compress a.png --threshold 140</c> must not compress
/// <c>a.png</c> and then fail on two "files"). Arguments after <c>--</c> are taken as they are.
/// </summary>
internal static class Usage
{
    /// <summary>The parser's errors plus one per option-like argument, in command-line order.</summary>
    public static IReadOnlyList<string> Errors(ParseResult parsed)
    {
        var errors = parsed.Errors.Select(e => e.Message).ToList();
        foreach (Token token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-'
                && !errors.Any(e => e.Contains(token.Value, StringComparison.Ordinal)))
            {
                errors.Add($"unknown option '{token.Value}' for 'rletcp {Path(parsed.CommandResult)}'.");
            }
        }

        return errors;
    }

    /// <summary>The one usage line of the command the parser reached, e.g. <c>usage: rletcp compress &lt;files&gt;... [options]</c>.</summary>
    public static string Line(ParseResult parsed)
    {
        Command command = parsed.CommandResult.Command;
        string arguments = string.Concat(command.Arguments.Select(a => a.Arity.MaximumNumberOfValues > 1 ? $" <{a.Name}>..." : $" <{a.Name}>"));
        string path = Path(parsed.CommandResult);
        string subcommands = command.Subcommands.Count > 0 ? " <command>" : string.Empty;
        return $"usage: rletcp{(path.Length > 0 ? " " + path : string.Empty)}{subcommands}{arguments} [options] (--help for more)";
    }

    private static string Path(CommandResult result)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Parent is not null; r = r.Parent)
        {
            names.Push(c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
