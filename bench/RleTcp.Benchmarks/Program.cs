using BenchmarkDotNet.Running;

namespace RleTcp.Benchmarks;

/// <summary>
/// Entry point. A first word selects a mode used by bench/run.sh: <c>micro</c> (the BenchmarkDotNet suite, written
/// as table rows), <c>e2e</c> (the end-to-end rows against running servers), <c>alloc</c> (only the per-small-request allocation figure), <c>table</c> (prints a results file),
/// <c>images</c> (describes the generated inputs and writes them as BMP/PBM/PNG), <c>codecs</c> (the codec size table and speed ratios),
/// <c>encode-probe [stack]</c> (the encoder timed with a Stopwatch in process, the cross-check of the BenchmarkDotNet figures),
/// <c>scans DIR</c> (writes issue 14's grey and colour scan pages), <c>intake FILES</c> (times the in-process intake of
/// files, the counterpart of bench/peers/pillow_convert.py), <c>echo-peer --port N</c> (the plain-socket framed echo the
/// transport is measured against), <c>unfilter [PAGE...]</c> (the PNG unfilter alone, CPU time per routing), <c>transport</c> (issue 14's FrameEcho-vs-peer rows), <c>scans-e2e</c> (issue 14's grey
/// and colour rows: the server end to end against Pillow in process).
/// Otherwise the arguments go to BenchmarkDotNet's switcher (<c>-- --filter '*Encode*'</c>, <c>--list flat</c>,
/// <c>--job short</c>, ...).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by <paramref name="args"/>.</summary>
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "images":
                return Images.ImagesCommand.Run(args[1..]);
            case "scans":
                return Images.ScansCommand.WriteScans(args[1..]);
            case "intake":
                return Images.ScansCommand.TimeIntake(args[1..]);
            case "unfilter":
                return Micro.UnfilterProbe.Run(args[1..]);
            case "encode-probe":
                return Micro.EncodeProbe.Run(args[1..]);
            case "micro":
                return Micro.MicroSuite.Run(args[1..]);
            case "e2e":
                return EndToEnd.EndToEndSuite.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "alloc":
                return EndToEnd.AllocationCommand.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "codecs":
                return Codecs.CodecsCommand.Run(args[1..]);
            case "table":
                return Report.TableCommand.Run(args[1..]);
            case "transport":
                return EndToEnd.TransportSuite.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "scans-e2e":
                return EndToEnd.ScanSuite.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "echo-peer":
                return Peers.PlainSocketEcho.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
