using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code analyze</c>.</summary>
public sealed class AnalyzeSettings : RunSettings
{
    /// <summary>Population size.</summary>
    [CommandOption("--population <N>")]
    [Description("Genomes analysed: posterior means of N sampled sprites. Default 64.")]
    public int Population { get; init; } = 64;

    /// <summary>Mutants per parent.</summary>
    [CommandOption("--mutants <M>")]
    [Description("Mutants (and noisy replicates) per parent genome. Default 32.")]
    public int Mutants { get; init; } = 32;

    /// <summary>Mutation size.</summary>
    [CommandOption("--mutation-size <S>")]
    [Description("Standard deviation of one mutation, in prior units. Default 1.")]
    public double MutationSize { get; init; } = 1.0;

    /// <summary>Robustness tolerance.</summary>
    [CommandOption("--epsilon <E>")]
    [Description("A mutant is robust when its mean absolute pixel difference from the parent is at most E. Default 0.02.")]
    public double Epsilon { get; init; } = 0.02;

    /// <summary>Developmental noise levels.</summary>
    [CommandOption("--noise <LIST>")]
    [Description("Developmental noise levels, injected inside development through the decoder's own noise option: SD of Gaussian state noise per step (nca, grn) or Langevin temperature (landscape). Not defined for the conv decoder. Default 0,0.01,0.03,0.1.")]
    public string Noise { get; init; } = "0,0.01,0.03,0.1";

    /// <summary>Parents whose every point mutant is measured (nucleotide runs).</summary>
    [CommandOption("--locus-parents <N>")]
    [Description("Nucleotide runs: parents whose every point mutant (3 per locus) is measured. Default 8.")]
    public int LocusParents { get; init; } = 8;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var run = base.Validate();
        if (!run.Successful) return run;
        if (Population < 2) return ValidationResult.Error($"--population must be >= 2, got {Population}.");
        if (Mutants < 2) return ValidationResult.Error($"--mutants must be >= 2, got {Mutants}.");
        if (LocusParents < 1) return ValidationResult.Error($"--locus-parents must be >= 1, got {LocusParents}.");
        if (!(MutationSize > 0)) return ValidationResult.Error($"--mutation-size must be > 0, got {MutationSize}.");
        if (!(Epsilon >= 0)) return ValidationResult.Error($"--epsilon must be >= 0, got {Epsilon}.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public AnalysisOptions ToOptions()
    {
        var options = new AnalysisOptions
        {
            Run = Run, Device = Device, Population = Population, Mutants = Mutants, MutationSize = MutationSize, Epsilon = Epsilon,
            LocusParents = LocusParents, Noise = AnalyzeCommand.ParseLevels(Noise),
        };
        options.Validate();
        return options;
    }
}
