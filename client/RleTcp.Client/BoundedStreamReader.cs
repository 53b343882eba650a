namespace RleTcp.Client;

/// <summary>Reads a stream to its end without ever holding more than a limit.</summary>
internal static class BoundedStreamReader
{
    public static async Task<byte[]> ReadToEndAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > limit)
            {
                throw TooLarge(remaining, limit);
            }

            byte[] exact = new byte[remaining];
            await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        // Unknown length: grow a buffer, but stop reading one byte past the limit.
        using var copy = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > limit)
            {
                throw TooLarge(copy.Length + read, limit, atLeast: true);
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }

    private static ArgumentException TooLarge(long length, long limit, bool atLeast = false) =>
        new($"The image is {(atLeast ? "over " : "")}{(atLeast ? limit : length)} bytes; this client sends at most {limit} (MaxRequestBytes).");
}
