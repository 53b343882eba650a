namespace RleTcp.Imaging.Formats;

/// <summary>
/// The IDAT chunk bodies read one after another, without copying them together. <see cref="Reset"/> starts it over on
/// other segments, so a thread can keep one instead of allocating one per image.
/// </summary>
internal sealed class SegmentStream(List<ReadOnlyMemory<byte>> segments) : Stream
{
    private List<ReadOnlyMemory<byte>> _segments = segments;
    private int _index;
    private int _offset;

    /// <summary>Reads <paramref name="segments"/> from their start.</summary>
    public void Reset(List<ReadOnlyMemory<byte>> segments)
    {
        _segments = segments;
        _index = 0;
        _offset = 0;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_index < _segments.Count && _offset == _segments[_index].Length)
        {
            _index++;
            _offset = 0;
        }

        if (_index == _segments.Count || buffer.IsEmpty)
        {
            return 0;
        }

        ReadOnlySpan<byte> rest = _segments[_index].Span[_offset..];
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
