using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Runs;
using GenomicCode.Studies;
using Spectre.Console;

namespace GenomicCode.Cli.Studies;

/// <summary>
/// The <c>analyze</c> measurement of a study: genetic architecture and robustness of the trained run, through
/// <c>genomic-code analyze</c> in this process. Its scalars summarise analysis.json: mean pleiotropy and polygenicity,
/// robustness to one mutation, and robustness to the first developmental noise level.
/// </summary>
internal sealed class AnalyzeMeasurement(IAnsiConsole console) : IRunMeasurement
{
    /// <summary>Options of the <c>analyze</c> measurement (the options of <c>genomic-code analyze</c>).</summary>
    internal sealed record Options
    {
        /// <summary>Genomes analysed; null for the default.</summary>
        public int? Population { get; init; }

        /// <summary>Mutants per parent; null for the default.</summary>
        public int? Mutants { get; init; }

        /// <summary>Standard deviation of one mutation; null for the default.</summary>
        public double? MutationSize { get; init; }

        /// <summary>Robustness tolerance; null for the default.</summary>
        public double? Epsilon { get; init; }

        /// <summary>Developmental noise levels; null for the default.</summary>
        public List<double>? Noise { get; init; }

        /// <summary>Seed of the measurement's draws.</summary>
        public long Seed { get; init; }
    }

    /// <inheritdoc />
    public string Kind => "analyze";

    /// <inheritdoc />
    public string Summary => "genetic architecture and robustness (genomic-code analyze); options: population, mutants, mutationSize, epsilon, noise, seed";

    /// <inheritdoc />
    public void Validate(JsonObject? options)
    {
        var o = MeasurementOptions.Read<Options>(options, Kind);
        if (o.Population is < 2) throw new UserInputException($"option 'population' must be >= 2, got {o.Population}.");
        if (o.Mutants is < 2) throw new UserInputException($"option 'mutants' must be >= 2, got {o.Mutants}.");
        if (o.MutationSize is double s && !(s > 0)) throw new UserInputException($"option 'mutationSize' must be > 0, got {s}.");
        if (o.Epsilon is double e && !(e >= 0)) throw new UserInputException($"option 'epsilon' must be >= 0, got {e}.");
        if (o.Noise is { Count: 0 } || o.Noise?.Any(x => !(x >= 0) || double.IsInfinity(x)) == true)
            throw new UserInputException("option 'noise' must be a non-empty list of noise levels >= 0, e.g. [0.5, 1, 2].");
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Measure(string runFolder, JsonObject? options, CancellationToken cancellationToken)
    {
        var o = MeasurementOptions.Read<Options>(options, Kind);
        var args = new List<string> { "analyze", "--run", runFolder, "--seed", o.Seed.ToString(CultureInfo.InvariantCulture) };
        if (o.Population is int p) args.AddRange(new[] { "--population", p.ToString(CultureInfo.InvariantCulture) });
        if (o.Mutants is int m) args.AddRange(new[] { "--mutants", m.ToString(CultureInfo.InvariantCulture) });
        if (o.MutationSize is double s) args.AddRange(new[] { "--mutation-size", s.ToString("R", CultureInfo.InvariantCulture) });
        if (o.Epsilon is double e) args.AddRange(new[] { "--epsilon", e.ToString("R", CultureInfo.InvariantCulture) });
        if (o.Noise is not null) args.AddRange(new[] { "--noise", string.Join(",", o.Noise.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) });
        InProcess.Run(console, args, cancellationToken);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, RunFolder.AnalysisFile)));
        var root = doc.RootElement;
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("pleiotropy", out var pleiotropy) && pleiotropy.GetArrayLength() > 0)
            scalars["pleiotropy_mean"] = pleiotropy.EnumerateArray().Average(x => x.GetDouble());
        if (root.TryGetProperty("polygenicity", out var polygenicity) && polygenicity.GetArrayLength() > 0)
            scalars["polygenicity_mean"] = polygenicity.EnumerateArray().Average(x => x.GetDouble());
        if (root.TryGetProperty("mutational", out var mutational))
            foreach (var point in mutational.EnumerateArray())
                if (point.GetProperty("level").GetDouble() == 1) scalars["mutational_robustness_k1"] = point.GetProperty("robustness").GetDouble();
        if (root.TryGetProperty("developmental_noise", out var noise) && noise.GetArrayLength() > 0)
            scalars["developmental_robustness"] = noise[0].GetProperty("robustness").GetDouble();
        return scalars;
    }
}
