namespace RleTcp.Cli.Common;

/// <summary>Where a command's images are compressed: the server or this process.</summary>
internal interface IImageCompressor : IAsyncDisposable
{
    /// <summary>For the user: "server 127.0.0.1:2015" or "local (Pillow)".</summary>
    string Description { get; }

    /// <summary>Returns the RLE bytes, or throws the reason this image failed.</summary>
    Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken);
}
