using System.Globalization;
using GenomicCode.Experiments;

namespace GenomicCode.Plotting;

/// <summary>
/// Every experiment's figures, drawn from its result record alone (so a result file read back draws the same figures). Each
/// method returns the figures by file name: the result file's stem (<c>generalisation</c> for generalisation.json) plus a
/// suffix, for example <c>generalisation_adapt.png</c>. Adding an experiment's figures is one method plus one line in
/// <see cref="Draw"/>'s table.
/// </summary>
public static class ExperimentFigures
{
    private static readonly Dictionary<Type, Func<IExperimentResult, string?, IReadOnlyDictionary<string, Figure>>> ByType = new()
    {
        [typeof(GeneralisationResult)] = (r, stem) => Generalisation((GeneralisationResult)r, stem ?? "generalisation"),
    };

    /// <summary>The figures of any experiment's result, by file name; <paramref name="stem"/> null takes the experiment's default.</summary>
    public static IReadOnlyDictionary<string, Figure> Draw(IExperimentResult result, string? stem = null) =>
        ByType.TryGetValue(result.GetType(), out var draw) ? draw(result, stem) : new Dictionary<string, Figure>();

    /// <summary>Saves figures by file name into <paramref name="folder"/> (created); returns the paths written.</summary>
    public static IReadOnlyList<string> Save(IReadOnlyDictionary<string, Figure> figures, string folder)
    {
        Directory.CreateDirectory(folder);
        return figures.Select(f => f.Value.Save(Path.Combine(folder, f.Key))).ToArray();
    }

    /// <summary>
    /// Generalisation (Watson et al. 2014; Kouvaris et al. 2017): generations to adapt to seen and unseen targets per
    /// condition (<c>_adapt</c>), the shares of random genotypes reaching targets and of unseen targets adapted
    /// (<c>_shares</c>), and the evolved B of replicate 1 of each condition (<c>_B0</c>, <c>_B1</c>, <c>_B2</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, Figure> Generalisation(GeneralisationResult result, string stem = "generalisation")
    {
        var figures = new Dictionary<string, Figure>();
        var adapt = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["generations to adapt: seen"] = c.GenerationsToAdaptSeen,
            ["generations to adapt: unseen"] = c.GenerationsToAdaptUnseen,
        });
        figures[$"{stem}_adapt.png"] = AnalysisFigures.DrawMetricBars($"Generations to adapt (never = {result.Options.TestGenerations})", adapt, "generations");
        var shares = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["random -> seen target"] = c.RandomToSeenShare,
            ["random -> unseen target"] = c.RandomToUnseenShare,
            ["unseen targets adapted"] = c.UnseenAdaptedShare,
        });
        figures[$"{stem}_shares.png"] = AnalysisFigures.DrawMetricBars("Random genotypes reaching targets; unseen adapted", shares, "share");
        int n = result.Options.Traits;
        var labels = Enumerable.Range(0, n).Select(i => $"g{i}").ToArray();
        for (int c = 0; c < result.Conditions.Count; c++)
        {
            var cond = result.Conditions[c];
            var matrix = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) matrix[i, j] = cond.RegulatoryMatrix[i * n + j];
            figures[$"{stem}_B{c.ToString(CultureInfo.InvariantCulture)}.png"] =
                AnalysisFigures.DrawHeatmap($"Evolved B: {cond.Condition} (replicate 1)", matrix, labels, labels, "B_ij", diverging: true);
        }
        return figures;
    }
}
