namespace RleTcp.Protocol.Imaging.Formats;

/// <summary>The IDAT chunk bodies read one after another, without copying them together.</summary>
internal sealed class SegmentStream(List<ReadOnlyMemory<byte>> segments) : Stream
{
    private int _index;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_index < segments.Count && _offset == segments[_index].Length)
        {
            _index++;
            _offset = 0;
        }

        if (_index == segments.Count || buffer.IsEmpty)
        {
            return 0;
        }

        ReadOnlySpan<byte> rest = segments[_index].Span[_offset..];
        int n = Math.Min(rest.Length, buffer.Length);
        rest[..n].CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
