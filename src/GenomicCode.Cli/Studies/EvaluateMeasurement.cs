using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Metrics;
using GenomicCode.Runs;
using GenomicCode.Studies;
using Spectre.Console;

namespace GenomicCode.Cli.Studies;

/// <summary>
/// The <c>evaluate</c> measurement of a study: disentanglement metrics of the trained run, through
/// <c>genomic-code evaluate</c> in this process; its scalars are the top-level scores of evaluation.json.
/// </summary>
internal sealed class EvaluateMeasurement(IAnsiConsole console) : IRunMeasurement
{
    /// <summary>Options of the <c>evaluate</c> measurement (the options of <c>genomic-code evaluate</c>).</summary>
    internal sealed record Options
    {
        /// <summary>Metric names; null for all.</summary>
        public List<string>? Metrics { get; init; }

        /// <summary>Training points per metric; null for the default.</summary>
        public int? NumTrain { get; init; }

        /// <summary>Held-out points per metric; null for the default.</summary>
        public int? NumTest { get; init; }

        /// <summary>Training points of the BetaVAE and FactorVAE scores; null for NumTrain.</summary>
        public int? NumVotes { get; init; }

        /// <summary>Measure posterior samples instead of means.</summary>
        public bool Samples { get; init; }

        /// <summary>Seed of the measurement's draws.</summary>
        public long Seed { get; init; }
    }

    /// <inheritdoc />
    public string Kind => "evaluate";

    /// <inheritdoc />
    public string Summary => "disentanglement metrics (genomic-code evaluate); options: metrics, numTrain, numTest, numVotes, samples, seed";

    /// <inheritdoc />
    public void Validate(JsonObject? options)
    {
        var o = MeasurementOptions.Read<Options>(options, Kind);
        if (o.Metrics is { Count: 0 }) throw new UserInputException("option 'metrics' is empty; leave it out for every metric, or name some: " + string.Join(", ", MetricCatalog.Names) + ".");
        foreach (string m in o.Metrics ?? new List<string>()) MetricCatalog.Create(m ?? "");
        if (o.NumTrain is < 2) throw new UserInputException($"option 'numTrain' must be >= 2, got {o.NumTrain}.");
        if (o.NumTest is < 2) throw new UserInputException($"option 'numTest' must be >= 2, got {o.NumTest}.");
        if (o.NumVotes is < 2) throw new UserInputException($"option 'numVotes' must be >= 2, got {o.NumVotes}.");
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Measure(string runFolder, JsonObject? options, CancellationToken cancellationToken)
    {
        var o = MeasurementOptions.Read<Options>(options, Kind);
        var args = new List<string> { "evaluate", "--run", runFolder, "--seed", o.Seed.ToString(CultureInfo.InvariantCulture) };
        if (o.Metrics is not null) args.AddRange(new[] { "--metrics", string.Join(",", o.Metrics) });
        if (o.NumTrain is int n) args.AddRange(new[] { "--num-train", n.ToString(CultureInfo.InvariantCulture) });
        if (o.NumTest is int t) args.AddRange(new[] { "--num-test", t.ToString(CultureInfo.InvariantCulture) });
        if (o.NumVotes is int v) args.AddRange(new[] { "--num-votes", v.ToString(CultureInfo.InvariantCulture) });
        if (o.Samples) args.Add("--samples");
        InProcess.Run(console, args, cancellationToken);
        return InProcess.TopLevelNumbers(Path.Combine(runFolder, RunFolder.EvaluationFile), "step", "seed");
    }
}
