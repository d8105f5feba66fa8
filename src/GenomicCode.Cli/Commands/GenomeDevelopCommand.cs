using System.ComponentModel;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Latent;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code genome develop</c>.</summary>
public sealed class GenomeDevelopSettings : RunSettings
{
    /// <summary>FASTA file of genomes.</summary>
    [CommandOption("--fasta <FILE>")]
    [Description("FASTA file of genomes to grow (A, C, G, T; as long as the run's genome, e.g. a run's genome.fa, edited by hand).")]
    public string? Fasta { get; init; }

    /// <summary>Output figure.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("Figure to write: one tile per record, labelled with its name (.png or .svg).")]
    public string? Out { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var run = base.Validate();
        if (!run.Successful) return run;
        if (string.IsNullOrWhiteSpace(Fasta)) return ValidationResult.Error("--fasta <FILE> is required: the genomes to grow, for example the run's genome.fa.");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <FILE> is required: the figure to write (.png or .svg).");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>genomic-code genome develop</c>: grows the organisms that DNA written (or edited) by hand encodes, through a
/// trained run's developmental decoder, one tile per FASTA record. Every record is checked before anything is written:
/// a character outside ACGT, a sequence of the wrong length or an empty file is a one-line error naming the record and
/// the position.
/// </summary>
public sealed class GenomeDevelopCommand : Command<GenomeDevelopSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public GenomeDevelopCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, GenomeDevelopSettings settings, CancellationToken cancellationToken)
    {
        string fasta = settings.Fasta!, output = settings.Out!;
        var records = NucleotideFasta.ReadFile(fasta);
        using var run = TrainedRun.Load(settings.Run!, settings.Device);
        var latent = DnaGenomes.Latent(run.Model, $"run '{settings.Run}'");
        string layout = run.Model.Decoder is GrnDecoder { Layout: { } l } ? $" ({l})" : "";
        foreach (var r in records)
        {
            if (r.Sequence.Length < latent.Loci)
                throw new UserInputException($"{fasta}: record '{r.Name}', position {r.Sequence.Length + 1}: the sequence ends after {r.Sequence.Length} bases, but the run's genomes have {latent.Loci}{layout}.");
            if (r.Sequence.Length > latent.Loci)
                throw new UserInputException($"{fasta}: record '{r.Name}', position {latent.Loci + 1}: the sequence goes on past the run's genome length {latent.Loci}{layout} ({r.Sequence.Length} bases).");
        }

        var (channels, height, width) = run.Data.ObservationShape;
        float[] pixels;
        using (var scope = torch.NewDisposeScope())
        {
            var indices = NucleotideGenome.FromStrings(records.Select(r => r.Sequence).ToArray(), records.Select(r => r.Name).ToArray());
            var organisms = run.Model.Develop(latent.FromIndices(indices).to(run.Device));    // (B, C, H, W) probabilities
            pixels = organisms.narrow(1, 0, 1).contiguous().cpu().data<float>().ToArray(); // first channel, grey tiles
        }
        var grid = new ImageGrid(1, records.Count, height, width, pixels, null, records.Select(r => r.Name).ToArray());
        Figures.SaveImageGrid(grid, $"Organisms grown from {Path.GetFileName(fasta)} by {Path.GetFileName(Path.TrimEndingDirectorySeparator(run.Run.Path))}", output);
        console.MarkupLine($"grew {records.Count} organism(s) from {Markup.Escape(fasta)} ({latent.Loci} bases each); wrote {Markup.Escape(output)}");
        return 0;
    }
}
