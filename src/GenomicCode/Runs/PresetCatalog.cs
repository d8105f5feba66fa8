using GenomicCode.Core;

namespace GenomicCode.Runs;

/// <summary>Finds presets by name (the JSON files of models/, embedded in the library) or by path to a JSON file.</summary>
public static class PresetCatalog
{
    private const string Prefix = "GenomicCode.Presets.";

    /// <summary>Names of the presets that ship with the library.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(PresetCatalog).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// Loads a preset: a path to an existing JSON file (anything ending in .json or containing a directory separator),
    /// otherwise a shipped preset name. Unknown names list the known ones.
    /// </summary>
    public static Preset Load(string nameOrPath)
    {
        Guard.NotEmpty(nameOrPath);
        bool looksLikePath = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || nameOrPath.Contains('/') || nameOrPath.Contains('\\');
        if (looksLikePath)
        {
            if (!File.Exists(nameOrPath)) throw new UserInputException($"preset file '{nameOrPath}' does not exist.");
            string text;
            try { text = File.ReadAllText(nameOrPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"cannot read preset file '{nameOrPath}': {e.Message}");
            }
            return Preset.Parse(text, nameOrPath);
        }
        using var stream = typeof(PresetCatalog).Assembly.GetManifestResourceStream(Prefix + nameOrPath + ".json")
            ?? throw new UserInputException($"unknown preset '{nameOrPath}'; known presets: {string.Join(", ", Names)} (or give a path to a .json file).");
        using var reader = new StreamReader(stream);
        return Preset.Parse(reader.ReadToEnd(), $"preset '{nameOrPath}'");
    }
}
