using System.Diagnostics;
using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Development.Population;
using GenomicCode.Experiments;
using GenomicCode.Gpu;
using GenomicCode.Plotting;
using GenomicCode.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment learning</c>: a developmental decoder learns to grow target shapes from fixed genomes, once
/// by gradient descent and once by an evolution strategy over its weights (<see cref="LearningExperiment"/>); writes
/// learning.json, the loss against decoder evaluations and against wall time, and a target / gradient / evolved strip.
/// </summary>
public sealed class LearningCommand : Command<LearningSettings>
{
    /// <summary>JSON file in the output folder.</summary>
    public const string ResultFile = "learning.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public LearningCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LearningSettings settings, CancellationToken cancellationToken)
    {
        var options = new LearningOptions
        {
            Decoder = settings.Decoder, Strategy = settings.Strategy, Generations = settings.Generations,
            Population = settings.Population, Steps = settings.Steps,
            LearningRate = settings.LearningRate, Sigma = settings.Sigma, EsLearningRate = settings.EsLearningRate,
        }.Validate(); // before anything is written
        if (settings.Backend is not ("torch" or "ilgpu"))
            throw new UserInputException($"--backend must be torch or ilgpu, got '{settings.Backend}'.");
        var device = Devices.Parse(settings.Device);
        string dir = Path.GetFullPath(settings.Out);
        if (File.Exists(dir)) throw new UserInputException($"--out '{settings.Out}' is a file; pass a folder.");
        console.MarkupLine($"learning experiment: {options.Decoder} decoder, {options.Targets} target shapes at {options.Size}x{options.Size}; " +
                           $"gradient: {options.Steps} Adam steps; evolution: {options.Strategy}, population {options.Population}, " +
                           $"{options.Generations} generations; seed {settings.Seed}, {device}");

        using var ilgpu = settings.Backend == "ilgpu" ? new IlgpuPopulationBackend(settings.Accelerator) : null;
        IPopulationBackend backend = ilgpu ?? PopulationDevelopment.Torch;
        string backendName = ilgpu is null ? "torch" : $"ilgpu ({ilgpu.Description})";
        console.MarkupLine($"population development: {Markup.Escape(backendName)}");

        var watch = Stopwatch.StartNew();
        LearningResult result = null!;
        long total = options.Steps + (long)options.Generations;
        ProgressDisplay.Run(console, total, 0, report =>
            result = LearningExperiment.Run(options, settings.Seed, device,
                p => report(p.Position, $"{p.Learner}: {p.Evaluations} evaluations, loss {p.Loss:F4}, {watch.Elapsed.TotalSeconds:F0} s"),
                cancellationToken, backend));
        cancellationToken.ThrowIfCancellationRequested();

        Directory.CreateDirectory(dir);
        string json = Path.Combine(dir, ResultFile);
        var record = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["options"] = options,
            ["seed"] = settings.Seed,
            ["device"] = device.ToString(),
            ["backend"] = backendName,
            ["parameters"] = result.ParameterCount,
            ["shapes"] = result.Shapes,
            ["initial_loss"] = result.InitialLoss,
            ["gradient"] = Summary(result.Gradient),
            ["evolution"] = Summary(result.Evolution),
            ["seconds_total"] = watch.Elapsed.TotalSeconds,
        };
        AtomicFile.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        string gradientName = "gradient (Adam)";
        string evolutionName = result.Evolution.Learner;
        string curves = AnalysisFigures.SaveLines($"Learning the {options.Decoder} decoder's weights: gradient vs {evolutionName}",
            "decoder evaluations (each develops all targets once)", "loss (BCE per pixel)",
            new Dictionary<string, (double[], double[])>
            {
                [gradientName] = (result.Gradient.Evaluations.Select(e => (double)e).ToArray(), result.Gradient.Loss),
                [evolutionName] = (result.Evolution.Evaluations.Select(e => (double)e).ToArray(), result.Evolution.Loss),
            }, Path.Combine(dir, "learning.png"));
        string time = AnalysisFigures.SaveLines("Loss against wall time", "seconds", "loss (BCE per pixel)",
            new Dictionary<string, (double[], double[])>
            {
                [gradientName] = (result.Gradient.Seconds, result.Gradient.Loss),
                [evolutionName] = (result.Evolution.Seconds, result.Evolution.Loss),
            }, Path.Combine(dir, "learning_time.png"));
        int k = result.Shapes.Count, s = options.Size;
        var pixels = result.Targets.Concat(result.GradientPhenotypes).Concat(result.EvolvedPhenotypes).ToArray();
        string strip = Figures.SaveImageGrid(new ImageGrid(3, k, s, s, pixels, new[] { "target", "gradient", "evolved" }, result.Shapes.ToArray()),
            "Targets | grown by the gradient-trained decoder | by the evolved decoder", Path.Combine(dir, "learning_phenotypes.png"));

        var table = new Table().AddColumn("learner").AddColumn(new TableColumn("final loss").RightAligned())
            .AddColumn(new TableColumn("evaluations").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        table.AddRow("initial weights", F(result.InitialLoss), "0", "0");
        table.AddRow(Markup.Escape(gradientName), F(result.GradientFinalLoss), result.Gradient.Evaluations[^1].ToString(CultureInfo.InvariantCulture), F(result.Gradient.Seconds[^1], "F1"));
        table.AddRow(Markup.Escape(evolutionName), F(result.EvolutionFinalLoss), result.Evolution.Evaluations[^1].ToString(CultureInfo.InvariantCulture), F(result.Evolution.Seconds[^1], "F1"));
        console.Write(table);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", json, curves, time, strip))}");
        return 0;
    }

    private static SortedDictionary<string, object> Summary(LearningCurve c) => new(StringComparer.Ordinal)
    {
        ["learner"] = c.Learner,
        ["final_loss"] = c.Loss[^1],
        ["evaluations"] = c.Evaluations[^1],
        ["seconds"] = c.Seconds[^1],
        ["curve"] = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["evaluations"] = c.Evaluations, ["loss"] = c.Loss, ["seconds"] = c.Seconds },
    };

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
}
