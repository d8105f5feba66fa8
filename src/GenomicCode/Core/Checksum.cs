using System.Globalization;
using System.IO.Hashing;

namespace GenomicCode.Core;

/// <summary>
/// The checksum GenomicCode writes beside checkpoint sections, safetensors data and run-folder JSON: 64-bit XXH3
/// (System.IO.Hashing's <see cref="XxHash3"/>, seed 0), shown as 16 lower-case hex digits.
/// </summary>
public static class Checksum
{
    /// <summary>XXH3-64 of <paramref name="data"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> data) => XxHash3.HashToUInt64(data);

    /// <summary>XXH3-64 of the next <paramref name="length"/> bytes of <paramref name="stream"/>; fewer bytes throw <see cref="EndOfStreamException"/>.</summary>
    public static ulong Of(Stream stream, long length)
    {
        var hash = new XxHash3();
        byte[] buffer = new byte[Math.Min(length, 1 << 16) is var n && n > 0 ? n : 1];
        long left = length;
        while (left > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new EndOfStreamException();
            hash.Append(buffer.AsSpan(0, read));
            left -= read;
        }
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>The 16 lower-case hex digits of a checksum.</summary>
    public static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses 16 hex digits; false for anything else.</summary>
    public static bool TryParseHex(string? text, out ulong value)
    {
        value = 0;
        return text is { Length: 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>A write-only stream that passes bytes on to another stream and keeps their XXH3-64.</summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly XxHash3 hash = new();

    /// <summary>Checksum of everything written so far.</summary>
    public ulong Hash => hash.GetCurrentHashAsUInt64();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.Append(buffer);
        inner.Write(buffer);
    }
}

/// <summary>A read-only window [offset, offset + length) of another stream; reading past its end reads nothing.</summary>
internal sealed class WindowStream : Stream
{
    private readonly Stream inner;
    private readonly long offset;
    private long position;

    internal WindowStream(Stream inner, long offset, long length)
    {
        this.inner = inner;
        this.offset = offset;
        Length = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, Length);
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, Length - position);
        if (n <= 0) return 0;
        inner.Position = offset + position;
        int read = inner.Read(buffer[..n]);
        position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => Length + offset,
    };

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A stream that only counts: writes, seeks and the length they reach (to size a file before writing it).</summary>
internal sealed class CountingStream : Stream
{
    private long position;

    public override bool CanRead => false;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => MaxLength;

    /// <summary>The furthest position written.</summary>
    public long MaxLength { get; private set; }

    public override long Position
    {
        get => position;
        set => position = value;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => MaxLength + offset,
    };

    public override void SetLength(long value) => MaxLength = value;
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        position += buffer.Length;
        MaxLength = Math.Max(MaxLength, position);
    }
}
