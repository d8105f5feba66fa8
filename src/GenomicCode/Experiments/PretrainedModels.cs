using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Experiments;

/// <summary>
/// The pretrained models shipped in the repository's <c>models/pretrained/</c> folder (each packed by
/// <see cref="PretrainedModel.Pack"/>), found by name from notebooks, examples and tests.
/// </summary>
public static class PretrainedModels
{
    /// <summary>Environment variable naming the folder that holds the pretrained model folders (overrides the search).</summary>
    public const string FolderVariable = "GENOMICCODE_PRETRAINED";

    /// <summary>The folder of the pretrained models inside a checkout of the repository.</summary>
    public const string RelativeFolder = "models/pretrained";

    /// <summary>
    /// The folder of the pretrained model <paramref name="name"/>: under <see cref="FolderVariable"/> when it is set,
    /// else under <c>models/pretrained/</c> in the current directory or the nearest folder above it. A name that is not
    /// there gets a one-line error naming the models that are.
    /// </summary>
    public static string Folder(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '/', '\\' }) >= 0 || name.StartsWith('.'))
            throw new UserInputException($"'{name}' is not a pretrained model name; give a folder name such as sprites-beta-vae.");
        string? root = Root();
        if (root is null)
            throw new UserInputException($"no {RelativeFolder}/ folder in '{Directory.GetCurrentDirectory()}' or above it; run from a clone of the GenomicCode repository, or set {FolderVariable} to the folder that holds the pretrained models.");
        string folder = Path.Combine(root, name);
        if (!Directory.Exists(folder))
            throw new UserInputException($"no pretrained model '{name}' in '{root}'; there are: {string.Join(", ", Names(root))}.");
        return folder;
    }

    /// <summary>Loads the pretrained model <paramref name="name"/> (see <see cref="Folder"/>) on <paramref name="device"/>.</summary>
    public static TrainedRun Load(string name, string device = "cpu") => TrainedRun.Load(Folder(name), device);

    /// <summary>The card of the pretrained model <paramref name="name"/>.</summary>
    public static PretrainedCard Card(string name) => PretrainedModel.ReadCard(Folder(name));

    /// <summary>The names of the pretrained models found (see <see cref="Folder"/>), empty if the folder is not found.</summary>
    public static IReadOnlyList<string> Names() => Root() is { } root ? Names(root) : Array.Empty<string>();

    private static IReadOnlyList<string> Names(string root) => Directory.EnumerateDirectories(root)
        .Where(PretrainedWeights.Holds).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();

    private static string? Root()
    {
        string? configured = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, RelativeFolder);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
