using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>
/// The folder fetched data sets live in, one sub-folder per data set (<c>fashion-mnist/</c>, <c>mnist/</c>,
/// <c>emoji/</c>). Chosen in this order: an explicit folder (the CLI's <c>--data-dir</c>); the environment variable
/// <c>GENOMICCODE_DATA</c>; <c>data/</c> of the GenomicCode checkout the program runs in (found from the current folder
/// or the program's own folder upwards: a folder holding <c>GenomicCode.sln</c> and <c>data/datasets.json</c>); else a
/// per-user folder, <c>GenomicCode/data</c> under the user's local application data (Linux: <c>$XDG_DATA_HOME</c> or
/// <c>~/.local/share</c>; macOS: <c>~/Library/Application Support</c>; Windows: <c>%LOCALAPPDATA%</c>).
/// </summary>
public sealed class DataCache
{
    /// <summary>The environment variable that names the cache folder.</summary>
    public const string EnvironmentVariable = "GENOMICCODE_DATA";

    /// <summary>A cache rooted at <paramref name="root"/> (made absolute), chosen by <paramref name="origin"/>.</summary>
    public DataCache(string root, DataCacheOrigin origin = DataCacheOrigin.Explicit)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new UserInputException("the data cache folder is empty; pass --data-dir DIR or set GENOMICCODE_DATA.");
        Root = Path.GetFullPath(root);
        Origin = origin;
    }

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>How the folder was chosen.</summary>
    public DataCacheOrigin Origin { get; }

    /// <summary>The folder of data set <paramref name="dataset"/>.</summary>
    public string DirectoryOf(string dataset) => Path.Combine(Root, dataset);

    /// <summary>A file of data set <paramref name="dataset"/>.</summary>
    public string FileOf(string dataset, string file) => Path.Combine(Root, dataset, file);

    /// <summary>The command that fetches <paramref name="dataset"/> into this cache.</summary>
    public string FetchCommand(string dataset) =>
        Origin == DataCacheOrigin.Explicit ? $"genomic-code data get {dataset} --data-dir {Quote(Root)}" : $"genomic-code data get {dataset}";

    /// <summary>One phrase: where the folder is and why.</summary>
    public string Describe() => Origin switch
    {
        DataCacheOrigin.Explicit => $"{Root} (--data-dir)",
        DataCacheOrigin.Environment => $"{Root} ({EnvironmentVariable})",
        DataCacheOrigin.Checkout => $"{Root} (this checkout's data/)",
        _ => $"{Root} (per-user)",
    };

    /// <summary>
    /// State of data set <paramref name="dataset"/>'s files: sizes only, or sizes and SHA-256 when
    /// <paramref name="checksums"/>.
    /// </summary>
    public CacheState State(string dataset, DatasetFiles files, bool checksums = false)
    {
        int present = files.Files.Count(f => DatasetManifest.Matches(FileOf(dataset, f.Name), f, checksums));
        return present == files.Files.Count ? CacheState.Present : present == 0 ? CacheState.Missing : CacheState.Partial;
    }

    /// <summary>
    /// The folder of data set <paramref name="dataset"/> after checking every file's size and SHA-256; a missing data set
    /// is a one-line error naming the command that fetches it, a corrupt or truncated file one naming the file.
    /// </summary>
    public string Require(string dataset, DatasetManifest? manifest = null)
    {
        var files = (manifest ?? DatasetManifest.Default)[dataset];
        var missing = files.Files.Where(f => !File.Exists(FileOf(dataset, f.Name))).ToList();
        if (missing.Count == files.Files.Count)
            throw new UserInputException($"data set '{dataset}' is not in the data cache {Root}; fetch it with: {FetchCommand(dataset)}");
        if (missing.Count > 0)
            throw new UserInputException($"data set '{dataset}' is incomplete in {Root} ({missing[0].Name} is missing); fetch it with: {FetchCommand(dataset)}");
        foreach (var f in files.Files)
        {
            string path = FileOf(dataset, f.Name);
            long size = new FileInfo(path).Length;
            if (size != f.Bytes)
                throw new UserInputException($"'{path}' has {size} bytes, {f.Bytes} recorded; the file is {(size < f.Bytes ? "truncated" : "corrupt")}: fetch it again with {FetchCommand(dataset)}");
            if (!string.Equals(DatasetManifest.Sha256Of(path), f.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new UserInputException($"'{path}' does not match its recorded SHA-256; the file is corrupt: fetch it again with {FetchCommand(dataset)}");
        }
        return DirectoryOf(dataset);
    }

    /// <summary>The cache chosen from the process's environment and folders (see the class summary).</summary>
    public static DataCache Resolve(string? dataDir = null) =>
        Resolve(dataDir, Environment.GetEnvironmentVariable(EnvironmentVariable), Directory.GetCurrentDirectory(), AppContext.BaseDirectory, PerUserDirectory());

    /// <summary>The cache chosen from explicit inputs, in the order of the class summary (for tests and embedding).</summary>
    public static DataCache Resolve(string? dataDir, string? environment, string currentDirectory, string programDirectory, string? perUser)
    {
        if (!string.IsNullOrWhiteSpace(dataDir)) return new DataCache(dataDir, DataCacheOrigin.Explicit);
        if (!string.IsNullOrWhiteSpace(environment)) return new DataCache(environment, DataCacheOrigin.Environment);
        string? checkout = FindCheckout(currentDirectory) ?? FindCheckout(programDirectory);
        if (checkout is not null) return new DataCache(Path.Combine(checkout, "data"), DataCacheOrigin.Checkout);
        if (string.IsNullOrWhiteSpace(perUser))
            throw new UserInputException($"no per-user data folder (the home folder is not set); pass --data-dir DIR or set {EnvironmentVariable}.");
        return new DataCache(perUser, DataCacheOrigin.PerUser);
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding GenomicCode.sln and data/datasets.json; null if none.</summary>
    public static string? FindCheckout(string start)
    {
        if (string.IsNullOrEmpty(start)) return null;
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln")) && File.Exists(Path.Combine(dir.FullName, "data", "datasets.json")))
                return dir.FullName;
        return null;
    }

    /// <summary>The per-user folder: GenomicCode/data under the local application data folder; null when the system names none.</summary>
    public static string? PerUserDirectory()
    {
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return string.IsNullOrEmpty(local) ? null : Path.Combine(local, "GenomicCode", "data");
    }

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}

/// <summary>How the data cache folder was chosen.</summary>
public enum DataCacheOrigin
{
    /// <summary>Given explicitly (the CLI's --data-dir, or code).</summary>
    Explicit,
    /// <summary>The GENOMICCODE_DATA environment variable.</summary>
    Environment,
    /// <summary>data/ of the GenomicCode checkout the program runs in.</summary>
    Checkout,
    /// <summary>The per-user folder.</summary>
    PerUser,
}
