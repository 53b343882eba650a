using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// One started decode worker: a child process with a capped managed heap, fed one request at a time through its
/// stdin and answering on its stdout. Killed (SIGKILL) when a request's deadline passes.
/// </summary>
internal sealed partial class DecodeWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly ILogger _logger;
    private readonly Task<bool> _ready;
    private volatile bool _killed;

    private DecodeWorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        _logger = logger;
        Id = process.Id;
        StartedTimestamp = Stopwatch.GetTimestamp();
        _ready = ReadReadyAsync();
    }

    /// <summary>When the process was started (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedTimestamp { get; }

    /// <summary>True once the worker has said it is ready (its runtime started and its decoders warmed up).</summary>
    public bool IsReady => _ready.IsCompletedSuccessfully && _ready.Result;

    /// <summary>The child's process id.</summary>
    public int Id { get; }

    /// <summary>False once the child was killed, exited, or its pipes are out of step.</summary>
    public bool Usable { get; private set; } = true;

    /// <summary>True when the child answered that a decode hit its memory cap (it exits after that).</summary>
    public bool HitMemoryCap { get; private set; }

    /// <summary>Starts a worker; it is ready for requests once its runtime has started (the first request waits).</summary>
    /// <exception cref="DecodeSandboxException">The process could not be started.</exception>
    public static DecodeWorkerProcess Start(DecodeWorkerCommand command, long memoryLimitBytes, ILogger logger)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The cap that makes a memory bomb fail inside the child instead of growing the server; workstation GC so
        // the limit is one heap, not one per core.
        info.Environment["DOTNET_GCHeapHardLimit"] = memoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        info.Environment["DOTNET_gcServer"] = "0";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new DecodeSandboxException($"{command.FileName} did not start.");
        }
        catch (Exception e) when (e is not DecodeSandboxException)
        {
            throw new DecodeSandboxException($"The decode worker {command.FileName} could not be started: {e.Message}", e);
        }

        var worker = new DecodeWorkerProcess(process, logger);
        process.ErrorDataReceived += worker.OnError;
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Sends one request and reads its answer; <paramref name="ct"/> kills the child.</summary>
    /// <exception cref="ImageIntakeException">The worker refused the image.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the worker is dead.</exception>
    /// <exception cref="DecodeSandboxException">The worker died or answered nonsense; it is dead.</exception>
    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using CancellationTokenRegistration onDeadline = ct.UnsafeRegister(
            static state => ((DecodeWorkerProcess)state!).Kill(), this);
        try
        {
            if (!_ready.IsCompleted)
            {
                // A fresh worker (just replaced one) is still starting: the deadline bounds this wait too.
                _ready.Wait(ct);
            }

            if (!_ready.Result)
            {
                throw _killed ? new IOException("The decode worker was killed.") : Broken("it did not report ready");
            }

            Span<byte> header = stackalloc byte[DecodeWorkerProtocol.RequestHeaderSize];
            DecodeWorkerProtocol.WriteRequestHeader(header, data.Length, options, conversion);
            _input.Write(header);
            _input.Write(data.Span);
            _input.Flush();
            return ReadAnswer(options);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe broke under us: the deadline's kill, or the child died.
            Usable = false;
            ct.ThrowIfCancellationRequested();
            throw Died(e);
        }
        catch (DecodeSandboxException)
        {
            Usable = false;
            ct.ThrowIfCancellationRequested();
            throw;
        }
        catch (ImageIntakeException)
        {
            throw;
        }
        catch
        {
            Usable = false;
            throw;
        }
    }

    private BitImage ReadAnswer(IntakeOptions options)
    {
        Span<byte> head = stackalloc byte[9];
        ReadExactly(head[..1]);
        var status = (DecodeWorkerStatus)head[0];
        if (status == DecodeWorkerStatus.Ok)
        {
            ReadExactly(head[1..9]);
            int width = BinaryPrimitives.ReadInt32LittleEndian(head[1..]);
            int height = BinaryPrimitives.ReadInt32LittleEndian(head[5..]);
            if (width is < 1 or > BitImage.MaxDimension || height is < 1 or > BitImage.MaxDimension
                || (long)width * height > options.MaxPixels)
            {
                throw Broken($"it answered a {width}x{height} image");
            }

            BitImage image = BitImage.CreatePooled(width, height);
            try
            {
                ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(image.Words));

                // The padding bits after each row's last pixel must be 0 (the encoder relies on it); the child is not trusted.
                ulong mask = image.LastWordMask;
                for (int y = 0; y < height; y++)
                {
                    image.Row(y)[^1] &= mask;
                }

                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }

        if (status is not (DecodeWorkerStatus.InvalidImage or DecodeWorkerStatus.ImageTooLarge or DecodeWorkerStatus.OutOfMemory))
        {
            throw Broken($"it answered status {head[0]}");
        }

        ReadExactly(head[1..5]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(head[1..]);
        if (length is < 0 or > DecodeWorkerProtocol.MaxMessageBytes)
        {
            throw Broken($"it answered a message of {length} bytes");
        }

        Span<byte> text = stackalloc byte[length];
        ReadExactly(text);
        string message = Encoding.UTF8.GetString(text);
        if (status == DecodeWorkerStatus.OutOfMemory)
        {
            // The worker exits after saying so; a fresh one replaces it.
            Usable = false;
            HitMemoryCap = true;
            LogMemoryCap(Id);
        }

        throw new ImageIntakeException(
            status == DecodeWorkerStatus.InvalidImage ? ImageIntakeError.InvalidImage : ImageIntakeError.ImageTooLarge, message);
    }

    /// <summary>Kills the child (idempotent, from any thread): its pipes end, a pending read returns.</summary>
    public void Kill()
    {
        _killed = true;
        Usable = false;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the child if still running and releases the process handle.</summary>
    public void Dispose()
    {
        Kill();
        _process.ErrorDataReceived -= OnError;
        _process.Dispose();
    }

    // Read apart from any request, so the pool knows which workers are up (and how long a replacement takes).
    private async Task<bool> ReadReadyAsync()
    {
        byte[] one = new byte[1];
        try
        {
            int read = await _output.ReadAsync(one).ConfigureAwait(false);
            return read == 1 && one[0] == DecodeWorkerProtocol.Ready;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void ReadExactly(Span<byte> buffer)
    {
        if (_output.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
        {
            throw _killed ? new IOException("The decode worker was killed.") : Died(null);
        }
    }

    private DecodeSandboxException Died(Exception? inner)
    {
        Usable = false;
        string how = _process.WaitForExit(1000)
            ? $"ended with exit code {_process.ExitCode}"
            : "closed its pipe";
        return new DecodeSandboxException($"The decode worker process {Id} {how} while decoding the image.", inner);
    }

    private DecodeSandboxException Broken(string what)
    {
        Usable = false;
        return new DecodeSandboxException($"The decode worker process {Id} is out of step: {what}.");
    }

    private void OnError(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is { Length: > 0 } line)
        {
            LogWorkerStderr(Id, line.Length > 500 ? line[..500] : line);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decode worker {WorkerPid} wrote to stderr: {Line}")]
    private partial void LogWorkerStderr(int workerPid, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decode worker {WorkerPid} hit its memory cap and exits")]
    private partial void LogMemoryCap(int workerPid);
}
