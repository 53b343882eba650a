namespace RleTcp.Client;

/// <summary>What an image's header says, as a v2 server's INFO answered it (no pixel was decoded).</summary>
/// <param name="Format">The format, e.g. "PNG", "TIFF", "GIF".</param>
/// <param name="Width">Width in pixels, as declared by the header.</param>
/// <param name="Height">Height in pixels, as declared by the header.</param>
/// <param name="Mode">The Pillow conversion class of the first frame: "1", "P", "L" or "RGB".</param>
/// <param name="Frames">GIF frames or TIFF pages; 1 for other formats.</param>
public sealed record RleImageInfo(string Format, int Width, int Height, string Mode, int Frames);
