using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// The text <c>RleTcp.Server --help</c> prints: the short switches, then every configurable key with its default, read
/// from the option types themselves so the list cannot fall behind them, and the XML
/// documentation when the documentation file ships beside the assembly.
/// </summary>
public static class RleTcpServerHelp
{
    private static readonly string[] HelpSwitches = ["--help", "-h", "-?", "/?"];

    /// <summary>Whether <paramref name="args"/> asks for the help text.</summary>
    public static bool IsRequested(IEnumerable<string> args) =>
        args.Any(a => HelpSwitches.Contains(a, StringComparer.OrdinalIgnoreCase));

    /// <summary>The help text.</summary>
    public static string Text()
    {
        Dictionary<string, string> docs = LoadSummaries();
        var text = new StringBuilder();
        text.AppendLine("RleTcp.Server: compresses 1-bit images with run-length encoding over TCP (docs/PROTOCOL.md).");
        text.AppendLine();
        text.AppendLine("Usage: RleTcp.Server [--switch value]... [--RleTcp:Key value]...");
        text.AppendLine("Every key can also be set in appsettings.json (section \"RleTcp\") or as RLETCP_Key=value");
        text.AppendLine("(nested keys with __, e.g. RLETCP_Tls__CertificatePath). Later sources win: file, environment, command line.");
        text.AppendLine();
        text.AppendLine("Switches:");
        foreach ((string flag, string key) in RleTcpServerApp.SwitchMappings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {flag,-20} = --{key}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"--help, -h",-20}   prints this text and exits 0").AppendLine();
        text.AppendLine();
        text.AppendLine("Keys (default):");
        Describe(text, docs, RleTcpServerOptions.SectionName, new RleTcpServerOptions());
        Describe(text, docs, MetricsEndpointOptions.SectionName, new MetricsEndpointOptions());
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Exit codes: 0 stopped gracefully (SIGTERM, Ctrl+C), {RleTcpServerApp.InvalidConfigurationExitCode} invalid configuration, ")
            .Append(CultureInfo.InvariantCulture, $"{RleTcpServerApp.CannotListenExitCode} cannot listen.").AppendLine();
        text.AppendLine("Limits and what a client sees: README.md, \"Limits and security\".");
        return text.ToString();
    }

    private static void Describe(StringBuilder text, Dictionary<string, string> docs, string prefix, object options)
    {
        foreach (PropertyInfo property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                continue; // derived (e.g. Tls.Enabled), not configurable
            }

            object? value = property.GetValue(options);
            string key = $"{prefix}:{property.Name}";
            if (value is not null && property.PropertyType.IsClass && property.PropertyType != typeof(string)
                && !typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                Describe(text, docs, key, value);
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"  --{key} ({Format(value)})").AppendLine();
            if (docs.TryGetValue($"P:{property.DeclaringType!.FullName}.{property.Name}", out string? summary))
            {
                text.Append("      ").AppendLine(summary);
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "unset",
        string s => s.Length == 0 ? "empty" : s,
        System.Collections.IEnumerable list => string.Join(",", list.Cast<object>()) is { Length: > 0 } joined ? joined : "empty",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Each member's <summary> as one line, from RleTcp.Server.xml beside the assembly (absent in a
    // single-file publish: the keys and defaults are then listed alone).
    private static Dictionary<string, string> LoadSummaries()
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        string path = Path.Combine(AppContext.BaseDirectory, "RleTcp.Server.xml");
        if (!File.Exists(path))
        {
            return summaries;
        }

        try
        {
            foreach (XElement member in XDocument.Load(path).Descendants("member"))
            {
                if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                {
                    // <see cref="T:X.Y"/> reads as Y; <c>..</c> as its text.
                    foreach (XElement see in summary.Descendants("see").ToList())
                    {
                        string cref = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? string.Empty;
                        see.ReplaceWith(new XText(cref[(cref.LastIndexOf('.') + 1)..]));
                    }

                    summaries[name] = string.Join(' ', summary.Value.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }
        catch (System.Xml.XmlException)
        {
            // A damaged documentation file only loses the descriptions.
        }

        return summaries;
    }
}
