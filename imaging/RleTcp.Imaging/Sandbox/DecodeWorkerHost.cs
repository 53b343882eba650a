using System.Buffers;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp.Memory;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// The decode worker's side: a loop that reads requests from stdin, decodes each with
/// <see cref="InProcessLibraryDecoder"/> and writes the answer to stdout, until stdin ends (the parent went away).
/// Run by the dedicated <c>RleTcp.DecodeWorker</c> executable and by the hidden
/// <see cref="WorkerArgument"/> mode of the server and <c>rletcp</c> executables (which is what a single-file
/// publish or an installed .NET tool starts).
/// </summary>
public static class DecodeWorkerHost
{
    /// <summary>The hidden first argument that turns a host executable into a decode worker.</summary>
    public const string WorkerArgument = "--rletcp-decode-worker";

    private static volatile bool s_hostCanBeWorker;

    /// <summary>True once this process's entry point has called <see cref="RunIfRequested"/>: it can start itself as a worker.</summary>
    public static bool HostCanBeWorker => s_hostCanBeWorker;

    /// <summary>
    /// Call first thing in <c>Main</c>: when <paramref name="args"/> is the worker argument, runs the worker loop and
    /// returns its exit code; otherwise records that this executable can start copies of itself as workers and
    /// returns null.
    /// </summary>
    public static int? RunIfRequested(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [WorkerArgument])
        {
            return Run();
        }

        s_hostCanBeWorker = true;
        return null;
    }

    /// <summary>Runs the worker loop on this process's stdin and stdout.</summary>
    /// <returns>0 when stdin ended, 3 after a decode ran out of memory (the parent starts a fresh worker).</returns>
    public static int Run()
    {
        using Stream input = Console.OpenStandardInput();
        using Stream output = Console.OpenStandardOutput();
        return Run(input, output);
    }

    /// <summary>Runs the worker loop on the given streams (see <see cref="Run()"/>).</summary>
    public static int Run(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);

        // Before the ready byte, so the first request does not pay for it.
        DecodeWorkerWarmUp.Run();
        output.WriteByte(DecodeWorkerProtocol.Ready);
        output.Flush();

        byte[] header = new byte[DecodeWorkerProtocol.RequestHeaderSize];
        while (true)
        {
            if (!TryReadExactly(input, header))
            {
                return 0;
            }

            (int length, IntakeOptions options, ConversionRequest conversion) = DecodeWorkerProtocol.ReadRequestHeader(header);
            if (length is < 0 or > DecodeWorkerProtocol.MaxPayloadBytes)
            {
                // Only the parent writes here; a broken request means the stream is out of step: stop.
                return 2;
            }

            byte[] payload = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                if (!TryReadExactly(input, payload.AsSpan(0, length)))
                {
                    return 0;
                }

                if (!Answer(output, payload.AsMemory(0, length), options, conversion))
                {
                    return 3;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    // False when the worker must exit after this answer (its heap hit the cap).
    private static bool Answer(Stream output, ReadOnlyMemory<byte> payload, IntakeOptions options, ConversionRequest conversion)
    {
        BitImage image;
        try
        {
            image = InProcessLibraryDecoder.Instance.Decode(payload, options, conversion, CancellationToken.None);
        }
        catch (Exception e) when (IsOutOfMemory(e))
        {
            DecodeWorkerProtocol.WriteError(output, DecodeWorkerStatus.OutOfMemory,
                "The image needs more memory to decode than the decode sandbox allows.");
            return false;
        }
        catch (ImageIntakeException e)
        {
            DecodeWorkerStatus status = e.Error == ImageIntakeError.ImageTooLarge
                ? DecodeWorkerStatus.ImageTooLarge
                : DecodeWorkerStatus.InvalidImage;
            DecodeWorkerProtocol.WriteError(output, status, e.Message);
            return true;
        }

        using (image)
        {
            DecodeWorkerProtocol.WriteImage(output, image);
        }

        return true;
    }

    // ImageIntake wraps a decoder's failure; the cap shows as OutOfMemoryException (the GC's hard limit) or as
    // ImageSharp's own refusal to allocate, somewhere in the chain.
    private static bool IsOutOfMemory(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is OutOfMemoryException or InvalidMemoryOperationException)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadExactly(Stream input, Span<byte> buffer)
    {
        int read = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length;
    }
}
