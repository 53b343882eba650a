using System.Buffers;
using System.Runtime.CompilerServices;

namespace RleTcp.Protocol.Codecs.Jbig2;

/// <summary>The probability estimation table of the MQ coder (ITU-T T.88 Table E.1, the same as T.800's).</summary>
internal static class MqTable
{
    public static ReadOnlySpan<ushort> Qe =>
    [
        0x5601, 0x3401, 0x1801, 0x0AC1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801, 0x3001, 0x2401,
        0x1C01, 0x1601, 0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801, 0x2401, 0x2201,
        0x1C01, 0x1801, 0x1601, 0x1401, 0x1201, 0x1101, 0x0AC1, 0x09C1, 0x08A1, 0x0521, 0x0441, 0x02A1,
        0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025, 0x0015, 0x0009, 0x0005, 0x0001, 0x5601,
    ];

    public static ReadOnlySpan<byte> Nmps =>
    [
        1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46,
    ];

    public static ReadOnlySpan<byte> Nlps =>
    [
        1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18, 19, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46,
    ];

    /// <summary>States whose LPS flips the MPS (0, 6, 14).</summary>
    public static bool Switch(int state) => state is 0 or 6 or 14;
}

/// <summary>
/// The MQ arithmetic encoder of T.88 Annex E (INITENC, ENCODE, RENORME, BYTEOUT with bit stuffing, FLUSH), writing
/// to a pooled buffer. A context is one byte: the state index times two, plus the MPS.
/// </summary>
internal sealed class MqEncoder : IDisposable
{
    private byte[] _buffer;
    private int _length;
    private uint _a = 0x8000;
    private uint _c;
    private int _ct = 12;
    private int _b = -1; // the byte being built; -1 is the virtual byte before the first (never written)

    public MqEncoder(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
    }

    /// <summary>The bytes written so far (complete after <see cref="Flush"/>).</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref byte context, int bit)
    {
        int state = context >> 1;
        int mps = context & 1;
        uint qe = MqTable.Qe[state];
        _a -= qe;
        if (bit == mps)
        {
            if ((_a & 0x8000) != 0)
            {
                _c += qe;
                return;
            }

            if (_a < qe)
            {
                _a = qe;
            }
            else
            {
                _c += qe;
            }

            context = (byte)((MqTable.Nmps[state] << 1) | mps);
        }
        else
        {
            if (_a < qe)
            {
                _c += qe;
            }
            else
            {
                _a = qe;
            }

            if (MqTable.Switch(state))
            {
                mps ^= 1;
            }

            context = (byte)((MqTable.Nlps[state] << 1) | mps);
        }

        do
        {
            _a <<= 1;
            _c <<= 1;
            if (--_ct == 0)
            {
                ByteOut();
            }
        }
        while ((_a & 0x8000) == 0);
    }

    /// <summary>FLUSH (E.2.9), then the 0xFF 0xAC marker that ends arithmetically coded data.</summary>
    public void Flush()
    {
        uint temp = _c + _a;
        _c |= 0xFFFF;
        if (_c >= temp)
        {
            _c -= 0x8000;
        }

        _c <<= _ct;
        ByteOut();
        _c <<= _ct;
        ByteOut();
        if (_b != 0xFF)
        {
            Emit(0xFF);
        }

        Emit(0xAC);
        Commit();
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void ByteOut()
    {
        if (_b == 0xFF)
        {
            Emit((int)(_c >> 20));
            _c &= 0xFFFFF;
            _ct = 7;
        }
        else if (_c < 0x8000000)
        {
            Emit((int)(_c >> 19));
            _c &= 0x7FFFF;
            _ct = 8;
        }
        else
        {
            _b++; // the carry goes into the byte not yet written
            if (_b == 0xFF)
            {
                _c &= 0x7FFFFFF;
                Emit((int)(_c >> 20));
                _c &= 0xFFFFF;
                _ct = 7;
            }
            else
            {
                Emit((int)(_c >> 19));
                _c &= 0x7FFFF;
                _ct = 8;
            }
        }
    }

    // Writes the byte being built and starts the next one.
    private void Emit(int next)
    {
        Commit();
        _b = next & 0xFF;
    }

    private void Commit()
    {
        if (_b < 0)
        {
            return;
        }

        if (_length == _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _buffer[_length++] = (byte)_b;
        _b = -1;
    }
}

/// <summary>
/// The MQ arithmetic decoder (INITDEC, DECODE with conditional exchange, RENORMD, BYTEIN). Past the end of the data it
/// reads 0xFF markers, as T.88 says a decoder must; the caller bounds the work by the number of pixels.
/// </summary>
internal ref struct MqDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private uint _a;
    private uint _c;
    private int _ct;

    public MqDecoder(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _c = (uint)ByteAt(0) << 16;
        _ct = 0;
        _a = 0;
        ByteIn();
        _c <<= 7;
        _ct -= 7;
        _a = 0x8000;
    }

    /// <summary>How far into the data the decoder has read.</summary>
    public readonly int Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref byte context)
    {
        int state = context >> 1;
        int mps = context & 1;
        uint qe = MqTable.Qe[state];
        int bit;
        _a -= qe;
        if ((_c >> 16) < qe)
        {
            if (_a < qe)
            {
                bit = mps;
                context = (byte)((MqTable.Nmps[state] << 1) | mps);
            }
            else
            {
                bit = mps ^ 1;
                context = (byte)((MqTable.Nlps[state] << 1) | (MqTable.Switch(state) ? mps ^ 1 : mps));
            }

            _a = qe;
        }
        else
        {
            _c -= qe << 16;
            if ((_a & 0x8000) != 0)
            {
                return mps;
            }

            if (_a < qe)
            {
                bit = mps ^ 1;
                context = (byte)((MqTable.Nlps[state] << 1) | (MqTable.Switch(state) ? mps ^ 1 : mps));
            }
            else
            {
                bit = mps;
                context = (byte)((MqTable.Nmps[state] << 1) | mps);
            }
        }

        do
        {
            if (_ct == 0)
            {
                ByteIn();
            }

            _a <<= 1;
            _c <<= 1;
            _ct--;
        }
        while ((_a & 0x8000) == 0);
        return bit;
    }

    private readonly int ByteAt(int index) => index < _data.Length ? _data[index] : 0xFF;

    private void ByteIn()
    {
        if (ByteAt(_position) == 0xFF)
        {
            int next = ByteAt(_position + 1);
            if (next > 0x8F)
            {
                _c += 0xFF00;
                _ct = 8;
            }
            else
            {
                _position++;
                _c += (uint)next << 9;
                _ct = 7;
            }
        }
        else
        {
            _position++;
            _c += (uint)ByteAt(_position) << 8;
            _ct = 8;
        }
    }
}
