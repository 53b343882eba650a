using System.CommandLine;
using System.Security.Cryptography;
using RleTcp.Client;

namespace RleTcp.Cli.Common;

/// <summary>
/// <c>--tls</c>, <c>--ca FILE</c>, <c>--client-cert FILE</c> and <c>--client-key FILE</c> for the commands that talk to a
/// server. They end up on <see cref="ServerAddress.Tls"/>, so everything that connects to the address uses them.
/// </summary>
internal sealed class TlsOptions
{
    private readonly Option<bool> _tls = new("--tls") { Description = "Talk TLS (1.2 or 1.3) to the server; it must be configured with a certificate." };

    private readonly Option<FileInfo?> _ca = new("--ca")
    {
        Description = "PEM file of the authorities the server certificate must chain to (default: the system's roots). Needs --tls.",
        HelpName = "file",
    };

    private readonly Option<FileInfo?> _clientCert = new("--client-cert")
    {
        Description = "Client certificate for a server that requires one: PKCS#12, or PEM (key in the same file or --client-key). Needs --tls.",
        HelpName = "file",
    };

    private readonly Option<FileInfo?> _clientKey = new("--client-key")
    {
        Description = "PEM private key of a PEM --client-cert.",
        HelpName = "file",
    };

    /// <summary>Adds the options and their consistency check to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_tls);
        command.Options.Add(_ca);
        command.Options.Add(_clientCert);
        command.Options.Add(_clientKey);
        command.Validators.Add(result =>
        {
            bool tls = result.GetResult(_tls) is { Implicit: false } given && !given.Tokens.Any(t => t.Value == "false");
            foreach ((Option option, string name) in new (Option, string)[] { (_ca, "--ca"), (_clientCert, "--client-cert"), (_clientKey, "--client-key") })
            {
                if (!tls && result.GetResult(option) is { Implicit: false })
                {
                    result.AddError($"{name} needs --tls.");
                }
            }

            if (result.GetResult(_clientKey) is { Implicit: false } && result.GetResult(_clientCert) is null)
            {
                result.AddError("--client-key needs --client-cert.");
            }
        });
    }

    /// <summary>
    /// <paramref name="server"/> with the TLS settings given, or null after writing an error line when a certificate
    /// file cannot be read (the caller exits with <see cref="ExitCodes.Usage"/>).
    /// </summary>
    public ServerAddress? Apply(ParseResult result, ServerAddress server)
    {
        if (!result.GetValue(_tls))
        {
            return server;
        }

        try
        {
            return server with
            {
                Tls = RleTcpClientTlsOptions.FromFiles(
                    result.GetValue(_ca)?.FullName, result.GetValue(_clientCert)?.FullName, result.GetValue(_clientKey)?.FullName),
            };
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            Failures.WriteError($"cannot use the TLS files: {ex.Message}");
            return null;
        }
    }
}
