using RleTcp.Protocol.V2;

namespace RleTcp.Imaging;

/// <summary>
/// What one request asks of the intake beyond <see cref="IntakeOptions"/> (protocol v2's per-request options): a
/// frame or page, a resize before conversion, and an inversion after it. <see cref="None"/> is exactly v1's intake.
/// </summary>
public sealed record ConversionRequest
{
    /// <summary>Nothing beyond the intake options.</summary>
    public static ConversionRequest None { get; } = new();

    /// <summary>
    /// What protocol v2's options ask beyond the intake options (page, resize, invert): the one mapping the server
    /// and the CLI's <c>--local</c> share, so a local compression answers what the server would.
    /// </summary>
    /// <param name="o">The request's options (already checked).</param>
    public static ConversionRequest From(V2RequestOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new ConversionRequest
        {
            Page = (int)Math.Min(o.Page ?? 0, int.MaxValue),
            Width = o.Width,
            Height = o.Height,
            Filter = o.Filter ?? "bicubic",
            Invert = o.Invert,
        };
    }

    /// <summary>The GIF frame or TIFF page to convert, from 0; other formats have only page 0.</summary>
    public int Page { get; init; }

    /// <summary>Resize to this width before conversion (fit, keeping the aspect ratio with <see cref="Height"/>).</summary>
    public int? Width { get; init; }

    /// <summary>Resize to this height before conversion (fit, keeping the aspect ratio with <see cref="Width"/>).</summary>
    public int? Height { get; init; }

    /// <summary>The resize filter: nearest, box, bilinear, bicubic (default) or lanczos3.</summary>
    public string Filter { get; init; } = "bicubic";

    /// <summary>Swap black and white after conversion.</summary>
    public bool Invert { get; init; }

    /// <summary>Whether the image must be resized.</summary>
    public bool Resizes => Width is not null || Height is not null;

    /// <summary>
    /// The size a <paramref name="width"/> × <paramref name="height"/> image is resized to: it fits inside the box
    /// given by <see cref="Width"/> and/or <see cref="Height"/> with its aspect ratio kept (rounded, at least 1).
    /// </summary>
    public (long Width, long Height) TargetSize(int width, int height)
    {
        double scale = Math.Min(
            Width is { } w ? (double)w / width : double.PositiveInfinity,
            Height is { } h ? (double)h / height : double.PositiveInfinity);
        return (Math.Max(1, (long)Math.Round(width * scale)), Math.Max(1, (long)Math.Round(height * scale)));
    }
}
