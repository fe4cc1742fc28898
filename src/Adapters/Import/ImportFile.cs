using System.IO.Compression;

namespace Lodestar.Import;

/// <summary>
/// An import file opened for streaming: gzip is recognised by its magic bytes and decompressed on the fly, and the
/// bytes consumed from the file are counted so a progress bar can show <see cref="BytesRead"/> of
/// <see cref="TotalBytes"/> (compressed bytes for a .gz file) while the readers yield records lazily.
/// </summary>
public sealed class ImportFile : IDisposable
{
    private readonly CountingStream _counted;

    private ImportFile(Stream source, bool leaveOpen, long? totalBytes)
    {
        _counted = new CountingStream(source, leaveOpen);
        TotalBytes = totalBytes;
        IsCompressed = source.CanSeek && IsGzip(source);
        Content = IsCompressed ? new GZipStream(_counted, CompressionMode.Decompress) : _counted;
    }

    /// <summary>The file's text (decompressed); pass it to <see cref="OnlineRetailCsv"/>, <see cref="EventCsv"/> or <see cref="CsvImport"/>.</summary>
    public Stream Content { get; }

    public bool IsCompressed { get; }

    /// <summary>Bytes consumed from the file so far; safe to read from another thread.</summary>
    public long BytesRead => _counted.BytesRead;

    public long? TotalBytes { get; }

    /// <summary>Share of the file consumed, 0..1, or null when the length is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Min(1.0, (double)BytesRead / total) : null;

    public static ImportFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new ImportFile(stream, leaveOpen: false, stream.Length);
    }

    /// <summary>Wraps an open stream; gzip is detected only when the stream can seek.</summary>
    public static ImportFile FromStream(Stream stream, bool leaveOpen = false) =>
        new(stream, leaveOpen, stream.CanSeek ? stream.Length - stream.Position : null);

    public void Dispose()
    {
        Content.Dispose();
        _counted.Dispose();
    }

    private static bool IsGzip(Stream stream)
    {
        var start = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        var n = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
}

/// <summary>A read-only pass-through stream that counts the bytes read through it.</summary>
public sealed class CountingStream(Stream inner, bool leaveOpen = false) : Stream
{
    private long _bytesRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private int Count(int n)
    {
        Interlocked.Add(ref _bytesRead, n);
        return n;
    }
}
