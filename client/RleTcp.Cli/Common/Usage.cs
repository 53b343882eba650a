using System.CommandLine;
using System.CommandLine.Parsing;

namespace RleTcp.Cli.Common;

/// <summary>
/// Usage errors beyond the parser's own: an argument that looks like an option (starts with '-') is an option this
/// command does not have, not a file name (issue 18 §5: <c>compress a.png --threshold 140</c> must not compress
/// <c>a.png</c> and then fail on two "files"). Arguments after <c>--</c> are taken as they are. A value that does not
/// convert (<c>--page x</c>) is reported in our words, never System.CommandLine's (it names .NET types).
/// </summary>
internal static class Usage
{
    /// <summary>The parser's errors plus one per option-like argument, in command-line order.</summary>
    public static IReadOnlyList<string> Errors(ParseResult parsed)
    {
        var errors = parsed.Errors.Select(Ours).ToList();
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

    // A value that does not convert is System.CommandLine's "Cannot parse argument 'x' for option '--page' as expected
    // type 'System.Nullable`1[System.Int32]'": library text with a .NET type name. Said here in our words instead.
    private static string Ours(ParseError error)
    {
        OptionResult? option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option is null || !error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
        {
            return error.Message;
        }

        string name = option.IdentifierToken?.Value ?? option.Option.Name;
        string given = option.Tokens.Count > 0 ? option.Tokens[0].Value : string.Empty;
        return $"{name}: '{given}' is not {OptionValues.Expected(option.Option.ValueType)}.";
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
