namespace RleTcp.Fuzz;

/// <summary>Every fuzz target, by command-line name.</summary>
internal static class FuzzTargets
{
    /// <summary>The targets in the order <c>--list</c> prints them.</summary>
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new RleDecoderTarget(),
        new ImageIntakeTarget(),
        new LibraryDecodeTarget(),
        new FrameParserTarget(),
        new G4DecoderTarget(),
        new Jbig2DecoderTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
