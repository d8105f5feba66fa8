using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Data;

/// <summary>Where a data set is opened from besides its options.</summary>
/// <param name="Cache">The data cache of fetched sets; null: <see cref="DataCache.Resolve(string?)"/> when a fetched set is opened.</param>
public sealed record DatasetContext(DataCache? Cache = null);

/// <summary>
/// The data sets GenomicCode trains on and measures against, by name (presets' <c>training.dataset</c>, <c>--dataset</c>,
/// <c>genomic-code data get</c>, <c>genomic-code list datasets</c>). Adding one is one new file (its reader and
/// <c>Entry</c>; a fetched set also its files in data/datasets.json) plus one line here.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The procedural sprites world (rendered on demand; nothing to fetch).</summary>
    public static CatalogueEntry<NoOptions, DatasetContext, IGroundTruthData> Sprites { get; } = new(
        "sprites", "procedural organisms on the dSprites grid: 737,280 binary 64x64 images, 5 factors (shape, scale, orientation, posX, posY)",
        "rendered on demand (our re-creation of the dSprites design, Matthey et al. 2017); MIT (this repository)",
        (_, _) => new SpritesWorld());

    /// <summary>Every data set, the procedural default first.</summary>
    public static Catalogue<DatasetContext, IGroundTruthData> Catalogue { get; } = new(
        "datasets", "data set", "Ground-truth data: observations rendered from known factors, or labelled real images.",
        new CatalogueEntry<DatasetContext, IGroundTruthData>[]
        {
            Sprites,
            FashionMnist.Entry,
            MnistDigits.Entry,
            EmojiTarget.Entry,
        },
        new CatalogueStatus("in the cache", (entry, listing) => Describe(entry.Name, DataCache.Resolve(listing.DataDirectory)),
            listing => $"data cache: {DataCache.Resolve(listing.DataDirectory).Describe()}"));

    /// <summary>Catalogue names.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>The entry called <paramref name="name"/> (case-insensitive); an unknown name is a one-line error.</summary>
    public static CatalogueEntry<DatasetContext, IGroundTruthData> Find(string name) => Catalogue.Find(name.Trim());

    /// <summary>A data set component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name.Trim(), options);

    /// <summary>
    /// Opens the data set a component names from <paramref name="cache"/> (default: <see cref="DataCache.Resolve(string?)"/>);
    /// a fetched set that is missing is a one-line error naming the command that fetches it.
    /// </summary>
    public static IGroundTruthData Create(ComponentSpec spec, DataCache? cache = null) => Catalogue.Create(spec, new DatasetContext(cache));

    /// <summary>Opens data set <paramref name="name"/> with <paramref name="options"/> (null: its defaults) from <paramref name="cache"/>.</summary>
    public static IGroundTruthData Create(string name, DataCache? cache = null, IComponentOptions? options = null) => Create(Spec(name, options), cache);

    /// <summary>Whether data set <paramref name="name"/> is fetched into the data cache (listed in data/datasets.json) rather than rendered.</summary>
    public static bool IsFetched(string name) => DatasetManifest.Default.Contains(Find(name).Name);

    /// <summary>Whether data set <paramref name="name"/> can be opened from <paramref name="cache"/> (files present with their recorded sizes).</summary>
    public static CacheState State(string name, DataCache cache)
    {
        string n = Find(name).Name;
        return IsFetched(n) ? cache.State(n, DatasetManifest.Default[n]) : CacheState.Present;
    }

    /// <summary>One phrase on where data set <paramref name="name"/> stands in <paramref name="cache"/>, with the fetch command when it is missing.</summary>
    public static string Describe(string name, DataCache cache) => !IsFetched(name) ? "always (procedural)" : State(name, cache) switch
    {
        CacheState.Present => "present",
        CacheState.Partial => $"incomplete: {cache.FetchCommand(Find(name).Name)}",
        _ => $"missing: {cache.FetchCommand(Find(name).Name)}",
    };
}

/// <summary>Reads and writes a data set component in presets.</summary>
public sealed class DatasetSpecJson() : ComponentSpecJson(() => DatasetCatalog.Catalogue);
