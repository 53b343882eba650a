namespace RleTcp.Server.Configuration;

/// <summary>What the server does with a request payload.</summary>
public enum ServerWorkload
{
    /// <summary>Decode the image, convert it to 1 bit and answer its RLE encoding: the service.</summary>
    Compress,

    /// <summary>
    /// Answer status 0 with the request's own bytes. The same transport and executor with no image work: the baseline
    /// the performance benchmarks compare against.
    /// </summary>
    FrameEcho,
}
