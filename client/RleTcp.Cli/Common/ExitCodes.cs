namespace RleTcp.Cli.Common;

/// <summary>The process exit codes of every command (issue 4).</summary>
internal static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;

    /// <summary>Some inputs failed (each one reported); the others were done.</summary>
    public const int SomeFailed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 3;
}
