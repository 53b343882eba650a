using BenchmarkDotNet.Running;

namespace RleTcp.Benchmarks;

/// <summary>
/// Entry point. With no mode word the arguments go to BenchmarkDotNet's switcher
/// (<c>-- --filter '*Encode*'</c>, <c>--list flat</c>, <c>--job short</c>, ...).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by <paramref name="args"/>.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "images")
        {
            return Images.ImagesCommand.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
