using System.Globalization;

namespace GenomicCode.Core;

/// <summary>
/// Writes files so that a reader never sees a half-written one: the content goes to a temporary file in the same folder,
/// is flushed to disk, and replaces the target by a rename. If writing fails (a full disk, a read-only or vanished
/// folder, no permission), the temporary file is removed, the previous file (if any) is left as it was, and the failure
/// is a one-line <see cref="UserInputException"/> naming the file, the reason and the fix. Destinations can be checked
/// before long work (<see cref="CheckDestination"/>, <see cref="RequireFreeSpace"/>), so a bad one is refused before
/// anything is computed.
/// </summary>
public static class AtomicFile
{
    private const int ENOSPC = 28, EROFS = 30, EDQUOT = 122;

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// Writes a file atomically through <paramref name="write"/>, which gets a seekable stream on the temporary file. The
    /// temporary name is hidden (<c>.name.tmp-PID</c>) so that folder listings and globbing never pick it up.
    /// </summary>
    public static void Write(string path, Action<Stream> write) => Write(path, write, previousPath: null);

    /// <summary>
    /// Writes a file atomically and keeps the file it replaces as <paramref name="previousPath"/> (when there was one):
    /// the old file is linked to that name and the new one renamed over the target, so the target exists at every
    /// moment, holding either the old or the new content.
    /// </summary>
    public static void Write(string path, Action<Stream> write, string? previousPath)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryPath(full);
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                write(DiskFaults.Wrap(file));
                file.Flush(flushToDisk: true);
            }
            Commit(temp, full, previousPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw Failure(full, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes a file atomically through a writer that only takes a path (a plotting or serialisation library): it
    /// writes to the temporary path it is given, which then replaces <paramref name="path"/>.
    /// </summary>
    public static void WriteVia(string path, Action<string> writeToPath)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryPath(full);
        try
        {
            writeToPath(temp);
            if (DiskFaults.FailAfterBytes is long limit && new FileInfo(temp).Length > limit)
                throw new IOException("No space left on device (injected)", ENOSPC);
            using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) file.Flush(flushToDisk: true);
            Commit(temp, full, previousPath: null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw Failure(full, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The hidden temporary name a write to <paramref name="path"/> uses in this process.</summary>
    public static string TemporaryPath(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
    }

    /// <summary>
    /// Removes temporary files that an earlier, killed process left beside <paramref name="path"/> (the names this class
    /// and older GenomicCode versions used: <c>.name.tmp-PID</c> and <c>name.tmp</c>); files of live processes are kept.
    /// </summary>
    public static void RemoveStaleTemporaryFiles(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) return;
        string name = Path.GetFileName(full);
        TryDelete(full + ".tmp");
        foreach (string temp in Directory.EnumerateFiles(dir, $".{name}.tmp-*"))
        {
            string pid = temp[(temp.LastIndexOf('-') + 1)..];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id != Environment.ProcessId && !IsAlive(id))
                TryDelete(temp);
        }
    }

    /// <summary>
    /// Refuses a destination before any work is done: <paramref name="path"/> must not be a folder, the nearest existing
    /// folder on its way must be writable (checked by creating and removing a hidden probe file; no folder is created),
    /// and it must have at least <paramref name="bytes"/> free. Each problem is a one-line <see cref="UserInputException"/>.
    /// </summary>
    /// <param name="path">The file that will be written.</param>
    /// <param name="bytes">How many bytes the write needs (0 when unknown or small).</param>
    /// <param name="option">How the user named the destination (e.g. <c>--json</c>), for the message.</param>
    public static void CheckDestination(string path, long bytes = 0, string? option = null)
    {
        Guard.NotEmpty(path);
        string full = Path.GetFullPath(path);
        string named = option is null ? $"'{path}'" : $"{option} '{path}'";
        if (Directory.Exists(full)) throw new UserInputException($"{named} is a folder; give a file name.");
        string folder = NearestExistingFolder(Path.GetDirectoryName(full) ?? full, out string? blocker);
        if (blocker is not null) throw new UserInputException($"cannot write {named}: '{blocker}' is a file, not a folder; choose another path.");
        string probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write {named}: folder '{folder}' is not writable ({Reason(e, probe)}); choose another path.");
        }
        finally
        {
            TryDelete(probe);
        }
        if (bytes > 0) RequireFreeSpace(full, bytes, $"writing {named}");
    }

    /// <summary>
    /// Refuses early when the file system that holds <paramref name="path"/> (or the nearest existing folder on its way)
    /// has less than <paramref name="bytes"/> free: a one-line <see cref="UserInputException"/> with both numbers.
    /// </summary>
    /// <param name="path">A file or folder on the file system to check; it need not exist yet.</param>
    /// <param name="bytes">Bytes needed.</param>
    /// <param name="what">What needs them, for the message (e.g. <c>training into 'runs/x'</c>).</param>
    public static void RequireFreeSpace(string path, long bytes, string what)
    {
        string folder = NearestExistingFolder(Path.GetFullPath(path), out _);
        long free = FreeBytes(folder);
        if (free < bytes)
            throw new UserInputException($"not enough free space for {what}: needs {Size(bytes)}, '{folder}' has {Size(free)} free; free some space or choose another folder.");
    }

    /// <summary>Bytes available to this user on the file system holding <paramref name="folder"/>; long.MaxValue when unknown.</summary>
    public static long FreeBytes(string folder)
    {
        if (DiskFaults.FreeBytes is long injected) return injected;
        try { return new DriveInfo(folder).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue; // a file system that does not say: the write itself will tell
        }
    }

    /// <summary>
    /// A one-line <see cref="UserInputException"/> for a failed write of <paramref name="path"/>: the reason (disk full,
    /// read-only file system, permission) and the fix, without the temporary file's name.
    /// </summary>
    public static UserInputException Failure(string path, Exception e) =>
        new($"cannot write '{path}': {Reason(e, TemporaryPath(path))}; free some space or choose another folder (the previous file, if any, is unchanged).", e);

    /// <summary>Whether <paramref name="e"/> is a write failure of the disk (full, quota, read-only, permission).</summary>
    public static bool IsDiskFailure(Exception e) =>
        e is UnauthorizedAccessException || (e is IOException io && (io.HResult & 0xFFFF) is ENOSPC or EDQUOT or EROFS);

    /// <summary>A human-readable number of bytes (B, KB, MB, GB with one decimal).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F1} GB"),
    };

    private static void Commit(string temp, string full, string? previousPath)
    {
        if (previousPath is not null && File.Exists(full))
        {
            // Unix: unlinks the backup, hard-links the old file to it, renames the new one over the target.
            File.Replace(temp, full, Path.GetFullPath(previousPath), ignoreMetadataErrors: true);
        }
        else
        {
            File.Move(temp, full, overwrite: true);
        }
    }

    private static string Reason(Exception e, string temp)
    {
        int code = e.HResult & 0xFFFF;
        if (e is IOException && code is ENOSPC or EDQUOT) return "the disk is full";
        if (e is IOException && code == EROFS) return "the file system is read-only";
        if (e is UnauthorizedAccessException) return "permission denied";
        if (e is DirectoryNotFoundException) return "its folder does not exist";
        if (e is FileNotFoundException) return "files cannot be created there";
        string message = e.Message.ReplaceLineEndings(" ").Replace($" : '{temp}'", "", StringComparison.Ordinal)
            .Replace($"'{temp}'", "the temporary file", StringComparison.Ordinal).Trim().TrimEnd('.');
        return message.Length == 0 ? e.GetType().Name : message;
    }

    private static string NearestExistingFolder(string path, out string? blocker)
    {
        blocker = null;
        string? current = path;
        while (current is not null && !Directory.Exists(current))
        {
            if (File.Exists(current)) blocker = current;
            current = Path.GetDirectoryName(current);
        }
        return current ?? Path.GetPathRoot(path) ?? "/";
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Faults injected into <see cref="AtomicFile"/> by tests that cannot fill a real disk: a reported amount of free space,
/// and writes that fail with "no space left on device" after a number of bytes. Off (null) outside tests.
/// </summary>
internal static class DiskFaults
{
    /// <summary>Free space every check reports; null asks the file system.</summary>
    internal static long? FreeBytes { get; set; }

    /// <summary>Writes through <see cref="AtomicFile"/> fail after this many bytes; null writes normally.</summary>
    internal static long? FailAfterBytes { get; set; }

    internal static Stream Wrap(FileStream file) => FailAfterBytes is long limit ? new FullDiskStream(file, limit) : file;

    /// <summary>A stream that accepts <c>limit</c> bytes, then fails as a full disk does (ENOSPC).</summary>
    private sealed class FullDiskStream(FileStream inner, long limit) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (inner.Position + buffer.Length > limit) throw new IOException("No space left on device (injected)", 28);
            inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write(new[] { value });
    }
}
