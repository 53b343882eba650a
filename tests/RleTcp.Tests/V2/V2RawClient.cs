using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>
/// Protocol v2 at the byte level over a raw socket (<see cref="FrameClient"/>): requests are built exactly as
/// docs/PROTOCOL.md lays them out, answers parsed by the shared <see cref="V2Messages"/>.
/// </summary>
internal sealed class V2RawClient : IAsyncDisposable
{
    private V2RawClient(FrameClient frames) => Frames = frames;

    public FrameClient Frames { get; }

    /// <summary>Connects and sends HELLO; returns the client and the HELLO answer.</summary>
    public static async Task<(V2RawClient Client, V2Answer Hello)> ConnectAsync(TestServer server)
    {
        FrameClient frames = await server.ConnectAsync();
        var client = new V2RawClient(frames);
        await frames.SendRawAsync(HelloFrame());
        return (client, await client.ReadAsync());
    }

    public static byte[] HelloFrame()
    {
        var w = new ArrayBufferWriter<byte>();
        V2Messages.WriteHelloFrame(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>A request frame: op, id, options block, body.</summary>
    public static byte[] Request(byte op, uint id, ReadOnlySpan<byte> options, ReadOnlySpan<byte> body)
    {
        byte[] payload = new byte[V2Wire.RequestHeadSize + options.Length + body.Length];
        payload[0] = op;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), id);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(5), (ushort)options.Length);
        options.CopyTo(payload.AsSpan(V2Wire.RequestHeadSize));
        body.CopyTo(payload.AsSpan(V2Wire.RequestHeadSize + options.Length));
        return FrameClient.Frame(payload);
    }

    /// <summary>A request frame with typed options.</summary>
    public static byte[] Request(V2Op op, uint id, V2RequestOptions options, ReadOnlySpan<byte> body)
    {
        var block = new ArrayBufferWriter<byte>();
        options.Write(block);
        return Request((byte)op, id, block.WrittenSpan, body);
    }

    public Task SendAsync(V2Op op, uint id, V2RequestOptions options, ReadOnlySpan<byte> body) =>
        Frames.SendRawAsync(Request(op, id, options, body));

    public Task SendAsync(byte[] frame) => Frames.SendRawAsync(frame);

    /// <summary>One answer, parsed as v2.</summary>
    public async Task<V2Answer> ReadAsync()
    {
        Answer raw = await Frames.ReadAnswerAsync();
        return V2Messages.ParseAnswer(new ReadOnlySequence<byte>([(byte)raw.Status, .. raw.Body]));
    }

    /// <summary>Sends one request and reads one answer (nothing else may be in flight).</summary>
    public Task<V2Answer> CallAsync(V2Op op, uint id, V2RequestOptions options, ReadOnlySpan<byte> body) =>
        CallAsync(Request(op, id, options, body), id);

    private async Task<V2Answer> CallAsync(byte[] frame, uint id)
    {
        await SendAsync(frame);
        V2Answer answer = await ReadAsync();
        Assert.Equal(id, answer.Id);
        return answer;
    }

    public static byte[] CancelBody(uint target)
    {
        byte[] body = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(body, target);
        return body;
    }

    public ValueTask DisposeAsync() => Frames.DisposeAsync();
}
