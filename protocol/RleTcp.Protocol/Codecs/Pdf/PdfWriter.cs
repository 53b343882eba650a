using System.Buffers;
using System.Globalization;
using System.Text;

namespace RleTcp.Protocol.Codecs.Pdf;

/// <summary>Sequential PDF writer that remembers each object's offset for the cross-reference table.</summary>
internal sealed class PdfWriter(IBufferWriter<byte> output)
{
    private readonly List<long> _offsets = [];
    private long _position;

    public void Text(string text, bool latin1 = false)
    {
        byte[] bytes = latin1 ? Encoding.Latin1.GetBytes(text) : Encoding.ASCII.GetBytes(text);
        Bytes(bytes);
    }

    public void Object(int number, string body)
    {
        _offsets.Add(_position);
        Text($"{number} 0 obj\n{body}\nendobj\n");
    }

    public void Stream(int number, string dictionary, ReadOnlySpan<byte> data)
    {
        _offsets.Add(_position);
        Text($"{number} 0 obj\n{dictionary}\nstream\n");
        Bytes(data);
        Text("\nendstream\nendobj\n");
    }

    public void Trailer()
    {
        long xref = _position;
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"xref\n0 {_offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (long offset in _offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Text(table.ToString());
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        _position += bytes.Length;
    }
}
