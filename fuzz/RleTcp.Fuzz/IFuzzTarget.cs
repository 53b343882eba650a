namespace RleTcp.Fuzz;

/// <summary>
/// One fuzz target: feeds an input to the code under test and swallows only the exception that code documents.
/// Anything else escaping <see cref="Run"/> is reported to AFL++ as a crash.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name given on the command line and used for fuzz/corpus/NAME and fuzz/crashes/NAME.</summary>
    string Name { get; }

    /// <summary>What the target asserts, printed by <c>--list</c> and mirrored in docs/FUZZING.md.</summary>
    string Asserts { get; }

    /// <summary>Runs the code under test on <paramref name="input"/>.</summary>
    void Run(byte[] input);
}
