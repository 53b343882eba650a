namespace RleTcp.Benchmarks.Images;

/// <summary>The inputs every codec benchmark runs on.</summary>
public enum BenchImage
{
    /// <summary>A 300-dpi text page from the shared vectors (page_libtasn1_p15, 2550x3300).</summary>
    TextPage,

    /// <summary>The generated 7200x5600 line-art/text page (<see cref="LineArtGenerator"/>).</summary>
    LineArt,

    /// <summary>50% random noise, 2550x3300 (a page's size): a run every two pixels on average.</summary>
    Noise,
}
