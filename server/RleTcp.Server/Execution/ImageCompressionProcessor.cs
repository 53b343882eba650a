using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Execution;

/// <summary>
/// The service's work: image intake (decode, convert to 1 bit) then the RLE encoding in parallel bands.
/// A refused image is a client error answered with its status and message, not a server fault.
/// </summary>
/// <remarks>
/// Each decode is admitted first against the <see cref="DecodeMemoryBudget"/> on <see cref="DecodeCost"/>'s header-only
/// estimate: one that could never fit is ImageTooLarge, one that does not fit now is Busy at once (waiting would hold
/// a worker, and so other clients, hostage to the decodes already running; Busy tells the client a retry is safe).
/// Images our own readers do not take are decoded by the <see cref="ILibraryDecoder"/> (the decode sandbox, normally),
/// so a decoder that loops or allocates without bound costs a child process, never a worker.
/// </remarks>
public sealed partial class ImageCompressionProcessor : IRequestProcessor
{
    private readonly IntakeOptions _intake;
    private readonly long _bandPixels;

    /// <summary>The server's own intake options (pixel budget, conversion, formats): what v2 request options adjust.</summary>
    internal IntakeOptions Intake => _intake;

    /// <summary>The pixels one RLE band holds.</summary>
    internal long BandPixels => _bandPixels;
    private readonly ILibraryDecoder _library;
    private readonly DecodeMemoryBudget _decodeBudget;
    private readonly RleTcpMetrics? _metrics;

    // The executor's workers as intake helpers and the server's options with them, made once per scheduler (the
    // executor is one); one object, so a reader never sees the two from different schedulers.
    private WorkerHelpers? _withHelpers;

    /// <summary>Takes the pixel budget, conversion, allowed formats and band size from the server options.</summary>
    /// <param name="options">The server options.</param>
    /// <param name="library">Decodes the images our own readers do not take (the decode sandbox, normally).</param>
    /// <param name="decodeBudget">The memory all decodes at once may hold; null: one of
    /// <see cref="RleTcpServerOptions.MaxDecodeMemoryBytes"/> for this processor alone.</param>
    /// <param name="metrics">Where Busy answers for lack of decode memory are counted, if anywhere.</param>
    /// <param name="logger">Where the processor says, once, which native accelerators it found.</param>
    public ImageCompressionProcessor(
        IOptions<RleTcpServerOptions> options,
        ILibraryDecoder library,
        DecodeMemoryBudget? decodeBudget = null,
        RleTcpMetrics? metrics = null,
        ILogger<ImageCompressionProcessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(library);
        _library = library;
        RleTcpServerOptions o = options.Value;
        _decodeBudget = decodeBudget ?? new DecodeMemoryBudget(o.MaxDecodeMemoryBytes);
        _metrics = metrics;
        _intake = new IntakeOptions { MaxPixels = o.MaxPixels, Mode = o.Conversion, AllowedFormats = o.AllowedFormats };
        _bandPixels = o.BandPixels;
        if (logger is not null)
        {
            LogPngInflater(logger, ImageIntake.PngInflater);
        }
    }

    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        if (TryDecode(payload, WithHelpers(_intake, bands), ConversionRequest.None, cancellationToken, out BitImage? image) is { } refusal)
        {
            return refusal;
        }

        using (image)
        {
            return BandedRleEncoder.Encode(image!, _bandPixels, bands, cancellationToken);
        }
    }

    /// <summary>
    /// The intake as every request gets it: admitted by the decode budget, our own readers in process, the library's
    /// decodes in the sandbox. Null with the image (dispose it), or the refusal to answer with.
    /// </summary>
    internal ServerResponse? TryDecode(
        ReadOnlyMemory<byte> payload, IntakeOptions intake, ConversionRequest conversion, CancellationToken cancellationToken, out BitImage? image)
    {
        image = null;
        long cost = DecodeCost.EstimateBytes(payload, intake);
        if (cost > _decodeBudget.Capacity)
        {
            return ServerResponse.Error(
                ResponseStatus.ImageTooLarge,
                $"Decoding this image needs about {cost >> 20} MiB; the server's decode memory budget is {_decodeBudget.Capacity >> 20} MiB.");
        }

        if (!_decodeBudget.TryAdmit(cost))
        {
            _metrics?.Busy(RleTcpMetrics.BusyReason.DecodeBudget);
            return ServerResponse.Error(
                ResponseStatus.Busy, "The server is decoding as many images as its memory budget allows; retry later.");
        }

        var library = new RoutedLibrary(_library);
        try
        {
            image = RequestIntake.Decode(payload, intake, conversion, library, cancellationToken);
            return null;
        }
        catch (DecodeSandboxException)
        {
            // The sandbox logged the worker's death (with its pid and exit code); the client learns only that it was
            // the server, not its image.
            return ServerResponse.Error(ResponseStatus.InternalError, "The image decoder's process failed; the image was not decoded.");
        }
        catch (ImageIntakeException e)
        {
            return Refusal(e);
        }
        finally
        {
            if (library.Used && _library is not InProcessLibraryDecoder)
            {
                // Decoded in a worker process: its working memory was never in this one (the worker's own heap cap
                // bounds it), so there is no garbage here to wait for.
                _decodeBudget.Release(cost);
            }
            else
            {
                // The decoder's working memory is garbage now, charged until a full GC reclaims it (see
                // DecodeMemoryBudget); the BitImage (1/8 of the estimate's pixels) is covered by the answer it becomes.
                _decodeBudget.Finish(cost);
            }
        }
    }

    /// <summary>The answer to an image the intake refused: ImageTooLarge or InvalidImage, with its message.</summary>
    internal static ServerResponse Refusal(ImageIntakeException e) =>
        ServerResponse.Error(e.Error == ImageIntakeError.ImageTooLarge ? ResponseStatus.ImageTooLarge : ResponseStatus.InvalidImage, e.Message);

    // Tells whether this request's image went to the library decoder (the sandbox) or stayed with our own readers.
    private sealed class RoutedLibrary(ILibraryDecoder inner) : ILibraryDecoder
    {
        public bool Used { get; private set; }

        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct)
        {
            Used = true;
            return inner.Decode(data, options, conversion, ct);
        }
    }

    /// <summary>
    /// <paramref name="intake"/> with the executor's idle workers as helpers, so they may join a big image's intake (a
    /// grey or colour PNG unfilters on one, converts on another). The server's own options are kept ready; a v2
    /// request's options get the same helpers object.
    /// </summary>
    internal IntakeOptions WithHelpers(IntakeOptions intake, IBandScheduler bands)
    {
        WorkerHelpers? m = _withHelpers;
        if (m is null || !ReferenceEquals(m.Helpers.Scheduler, bands))
        {
            var helpers = new BandIntakeHelpers(bands);
            m = new WorkerHelpers(helpers, _intake with { Helpers = helpers });
            _withHelpers = m;
        }

        return ReferenceEquals(intake, _intake) ? m.Intake : intake with { Helpers = m.Helpers };
    }

    private sealed record WorkerHelpers(BandIntakeHelpers Helpers, IntakeOptions Intake);

    [LoggerMessage(Level = LogLevel.Information, Message = "PNG image data inflates through {Inflater}")]
    private static partial void LogPngInflater(ILogger logger, string inflater);
}
