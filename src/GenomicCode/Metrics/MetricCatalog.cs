using GenomicCode.Core.Catalogues;

namespace GenomicCode.Metrics;

/// <summary>
/// The disentanglement metrics, by name (<c>genomic-code evaluate --metrics</c>, <c>genomic-code list metrics</c>).
/// Adding one is one new file (the metric, its options record and its <c>Entry</c>) plus one line here.
/// </summary>
public static class MetricCatalog
{
    /// <summary>Every metric that ships with the library, in listing order.</summary>
    public static Catalogue<NoContext, IDisentanglementMetric> Catalogue { get; } = new(
        "metrics", "metric", "Disentanglement metrics: ground-truth data and a representation in, named scores out.",
        new CatalogueEntry<NoContext, IDisentanglementMetric>[]
        {
            BetaVaeScore.Entry,
            FactorVaeScore.Entry,
            Mig.Entry,
            Dci.Entry,
            Sap.Entry,
            ModularityExplicitness.Entry,
        });

    /// <summary>Catalogue names, in a stable order.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>Names of the metrics that score codes paired with factors alone (usable by <c>genomic-code score</c>).</summary>
    public static IReadOnlyList<string> CodeMetricNames =>
        Catalogue.Entries.Where(e => e.Create(e.DefaultOptions(), NoContext.Instance) is ICodeMetric).Select(e => e.Name).ToArray();

    /// <summary>A metric component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name.Trim(), options);

    /// <summary>Creates the metric a component names.</summary>
    public static IDisentanglementMetric Create(ComponentSpec spec) => Catalogue.Create(spec, NoContext.Instance);

    /// <summary>
    /// Creates the metric called <paramref name="name"/> (case-insensitive, aliases such as <c>explicitness</c> for
    /// <c>modularity</c>) with <paramref name="options"/> (null: its defaults); an unknown name lists the known ones.
    /// </summary>
    public static IDisentanglementMetric Create(string name, IComponentOptions? options = null) => Create(Spec(name, options));

    /// <summary>
    /// Parses a comma-separated list of metric names (null or empty: <paramref name="defaults"/>), each with its default
    /// options and <paramref name="sizes"/> applied; a metric named twice is created once.
    /// </summary>
    public static IReadOnlyList<IDisentanglementMetric> Parse(string? list, IReadOnlyList<string> defaults, MetricSampleSizes? sizes = null)
    {
        var names = string.IsNullOrWhiteSpace(list) ? defaults : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = names.Select(n => Catalogue.Find(n.Trim())).DistinctBy(e => e.Name);
        return entries.Select(e => Create(e.Name, (sizes ?? new MetricSampleSizes()).ApplyTo(e.DefaultOptions()))).ToList();
    }
}

/// <summary>Reads and writes a metric component.</summary>
public sealed class MetricSpecJson() : ComponentSpecJson(() => MetricCatalog.Catalogue);

/// <summary>Reads and writes a list of metric components (the metrics an evaluation ran, with their options).</summary>
public sealed class MetricSpecListJson() : ComponentSpecListJson(() => MetricCatalog.Catalogue);
