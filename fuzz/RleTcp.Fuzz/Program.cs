using System.Runtime.InteropServices;
using SharpFuzz;

namespace RleTcp.Fuzz;

/// <summary>
/// Entry point. <c>dotnet RleTcp.Fuzz.dll TARGET</c> serves AFL++ (SharpFuzz's out-of-process fork server, so a hang or
/// an uncatchable crash only costs a restart); <c>--in-process</c> uses the faster in-process server;
/// <c>TARGET --replay FILE...</c> runs files once each and prints what escaped; <c>--list</c> names the targets; <c>--write-seeds DIR</c> writes the generated seeds.
/// fuzz/run.sh drives it.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["--list"])
        {
            foreach (IFuzzTarget t in FuzzTargets.All)
            {
                Console.WriteLine($"{t.Name}\t{t.Asserts}");
            }

            return 0;
        }

        if (args is ["--write-seeds", var corpus])
        {
            SeedWriter.Write(corpus);
            return 0;
        }

        if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
        {
            Console.Error.WriteLine(
                "usage: RleTcp.Fuzz TARGET [--in-process | --replay FILE...] | --list | --write-seeds CORPUS_DIR\n"
                + "targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
            return 2;
        }

        switch (args[1..])
        {
            case []:
                Fuzzer.OutOfProcess.Run(stream => target.Run(ReadAll(stream)));
                return 0;
            case ["--in-process"]:
                Fuzzer.Run(stream => target.Run(ReadAll(stream)));
                return 0;
            case ["--replay", .. var files] when files.Length > 0:
                return Replay(target, files);
            default:
                Console.Error.WriteLine($"unknown arguments: {string.Join(' ', args[1..])}");
                return 2;
        }
    }

    // Reports each file as "ok" or the exception that escaped; exit code 1 when any did (fuzz/run.sh triage).
    private static int Replay(IFuzzTarget target, string[] files)
    {
        GiveTheTraceMapMemory();
        int escaped = 0;
        foreach (string file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"ok\t{file}");
            }
            catch (Exception ex)
            {
                escaped++;
                Console.WriteLine($"ESCAPED\t{file}\t{ex.GetType().FullName}: {ex.Message}");
                Console.WriteLine(ex.StackTrace);
            }
        }

        return escaped == 0 ? 0 : 1;
    }

    // Instrumented assemblies write every branch into SharpFuzz's trace map, which only Fuzzer.Run sets up; without
    // it a replay of fuzz/.build/bin would die with an access violation on the first instrumented branch.
    private static unsafe void GiveTheTraceMapMemory()
    {
        const int MapSize = 1 << 16;
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
