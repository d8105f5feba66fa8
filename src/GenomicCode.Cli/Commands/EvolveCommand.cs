using System.Globalization;
using GenomicCode.Runs;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Latent;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code evolve</c>: evolves a genome through a trained run's decoder to match a target phenotype and compares it
/// with the encoder's one-shot posterior mean (<see cref="EvolveExperiment"/>).
/// </summary>
public sealed class EvolveCommand : Command<EvolveSettings>
{
    /// <summary>Default JSON file in the run folder.</summary>
    public const string EvolveFile = "evolve.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvolveCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvolveSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        bool? nucleotide = IsNucleotide(options.Run!);
        // Point substitutions exist only for DNA; on a Gaussian genome the strategy's own mutation applies.
        if (settings.Substitutions is not null && nucleotide == false)
            throw new UserInputException($"--substitutions applies to runs whose genome is DNA (model.latent nucleotide); run '{options.Run}' has a Gaussian genome: drop --substitutions.");
        AtomicFile.CheckDestination(settings.Json ?? Path.Combine(options.Run!, EvolveFile), RunFolder.ReportBytes, settings.Json is null ? "run folder" : "--json");
        string search = nucleotide == true
            ? $"a GA over DNA ({options.Substitutions.ToString("G4", CultureInfo.InvariantCulture)} expected point substitutions per genome and generation, one-point crossover)"
            : options.Strategy.Name;
        console.MarkupLine($"evolving a genome through [bold]{Markup.Escape(options.Run!)}[/] to match target {Markup.Escape(options.Target)}: " +
                           $"{Markup.Escape(search)}, {options.Generations} generations, {options.Loss} loss{(options.Prior && nucleotide != true ? " + prior (MAP)" : "")}");
        var result = ProgressDisplay.Run(console, progress => EvolveExperiment.Run(options, settings.Seed, progress, cancellationToken));

        var table = new Table().AddColumn("genome").AddColumn(new TableColumn("-log p(x|z) (nats)").RightAligned())
            .AddColumn(new TableColumn("-log p(z) (nats)").RightAligned()).AddColumn(new TableColumn("MAP loss (nats)").RightAligned())
            .AddColumn(new TableColumn("MSE").RightAligned());
        bool dna = result.GenomeKind == "nucleotide";
        table.AddRow(dna ? "encoder's most probable genome" : "encoder posterior mean", F(result.Encoder.Nll, "F2"), F(result.Encoder.NegLogPrior, "F2"), F(result.Encoder.MapLoss, "F2"), F(result.Encoder.Mse, "F5"));
        table.AddRow($"evolved ({result.Strategy}, population {result.Population}, {result.Generations} generations)", F(result.Evolved.Nll, "F2"),
            F(result.Evolved.NegLogPrior, "F2"), F(result.Evolved.MapLoss, "F2"), F(result.Evolved.Mse, "F5"));
        console.Write(table);
        if (dna) console.MarkupLine($"DNA of {result.EvolvedSequence!.Length} bases, {F(result.Options.Substitutions, "G4")} expected substitutions per genome and generation: the evolved genome differs from the encoder's at {result.Differences} loci");
        var gap = result.AmortisationGap;
        console.MarkupLine($"objective: {result.Objective}; amortisation gap (encoder - evolved): likelihood {F(gap.Likelihood, "F2")} nats, MAP {F(gap.Map, "F2")} nats");
        console.MarkupLine(result.GenerationsToBeatEncoder is int g
            ? $"evolution beat the encoder after [bold]{g}[/] generations ({result.DevelopmentsToBeatEncoder} developments)"
            : "evolution did not beat the encoder in this run");

        string json = Path.GetFullPath(settings.Json ?? Path.Combine(result.Run!, EvolveFile));
        string dir = Path.GetDirectoryName(json)!;
        var written = new List<string> { ResultFile.Write(json, result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Evolve(result, Path.GetFileNameWithoutExtension(json)), dir));
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    // Whether the run's genome is DNA, from its config.json; null when the folder cannot be read (the experiment then says why).
    private static bool? IsNucleotide(string run)
    {
        try
        {
            return LatentCatalog.Catalogue.Find(RunFolder.OpenExisting(run).ReadConfig().Model.Latent.Name).Name == NucleotideLatent.Entry.Name;
        }
        catch (UserInputException)
        {
            return null;
        }
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
