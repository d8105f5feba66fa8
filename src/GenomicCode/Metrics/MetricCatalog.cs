using GenomicCode.Core;

namespace GenomicCode.Metrics;

/// <summary>Finds disentanglement metrics by name; adding a metric adds one entry here and one file.</summary>
public static class MetricCatalog
{
    private static readonly (string Name, Func<MetricOptions, IDisentanglementMetric> Create)[] Entries =
    {
        ("beta-vae", o => new BetaVaeScore(o)),
        ("factor-vae", o => new FactorVaeScore(o)),
        ("mig", o => new Mig(o)),
        ("dci", o => new Dci(o)),
        ("sap", o => new Sap(o)),
        ("modularity", o => new ModularityExplicitness(o)),
    };

    /// <summary>Catalogue names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>Names of the metrics that score codes paired with factors alone (usable by <c>genomic-code score</c>).</summary>
    public static IReadOnlyList<string> CodeMetricNames { get; } =
        Entries.Where(e => e.Create(new MetricOptions()) is ICodeMetric).Select(e => e.Name).ToArray();

    /// <summary>Creates the metric called <paramref name="name"/> (case-insensitive; <c>explicitness</c> is an alias of <c>modularity</c>).</summary>
    public static IDisentanglementMetric Create(string name, MetricOptions? options = null)
    {
        string n = name.Trim().ToLowerInvariant();
        if (n is "explicitness") n = "modularity";
        if (n is "betavae" or "beta_vae") n = "beta-vae";
        if (n is "factorvae" or "factor_vae") n = "factor-vae";
        foreach (var e in Entries)
            if (e.Name == n) return e.Create(options ?? new MetricOptions());
        throw new UserInputException($"unknown metric '{name}'; known: {string.Join(", ", Names)}.");
    }

    /// <summary>Parses a comma-separated list of metric names; null or empty gives every metric in <paramref name="defaults"/>.</summary>
    public static IReadOnlyList<IDisentanglementMetric> Parse(string? list, IReadOnlyList<string> defaults, MetricOptions? options = null)
    {
        var names = string.IsNullOrWhiteSpace(list) ? defaults : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var metrics = names.Select(n => Create(n, options)).ToList();
        return metrics.GroupBy(m => m.Name).Select(g => g.First()).ToList();
    }
}
