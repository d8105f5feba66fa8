using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code experiment evolvability</c>; experiment values are checked by <c>EvolvabilityOptions.Validate</c>.</summary>
public sealed class EvolvabilitySettings : RunSettings
{
    /// <summary>Trait under selection.</summary>
    [CommandOption("--trait <NAME>")]
    [Description("Trait under selection: posX, posY, scale, orientation or elongation. Default scale.")]
    public string Trait { get; init; } = "scale";

    /// <summary>Parents.</summary>
    [CommandOption("-p|--parents <N>")]
    [Description("Parents (posterior means of sampled sprites), also the population size of the adaptation run, >= 2. Default 64.")]
    public int Parents { get; init; } = 64;

    /// <summary>Mutants per parent.</summary>
    [CommandOption("--mutants <N>")]
    [Description("Single-mutant offspring per parent, >= 1. Default 64.")]
    public int Mutants { get; init; } = 64;

    /// <summary>Mutation size.</summary>
    [CommandOption("--sigma <S>")]
    [Description("Standard deviation of the Gaussian mutation per gene, > 0. Default 0.1.")]
    public double Sigma { get; init; } = 0.1;

    /// <summary>Generations per target.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations of adaptation to target A, and again after the switch to target B, >= 1. Default 30.")]
    public int Generations { get; init; } = 30;

    /// <summary>Target offset.</summary>
    [CommandOption("--target-offset <SD>")]
    [Description("Targets sit this many trait SDs above (A) and below (B) the parents' mean, > 0. Default 1.")]
    public double TargetOffset { get; init; } = 1.0;

    /// <summary>Adaptation tolerance.</summary>
    [CommandOption("--tolerance <SD>")]
    [Description("Adapted when the mean squared distance to the target is at most tolerance^2 (trait SDs), > 0. Default 0.5.")]
    public double Tolerance { get; init; } = 0.5;

    /// <summary>JSON output path.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Where to write the result JSON (figures go next to it). Default: evolvability.json in the run folder.")]
    public string? Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var run = base.Validate();
        if (!run.Successful) return run;
        if (Parents < 2) return ValidationResult.Error($"--parents must be >= 2, got {Parents}.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public EvolvabilityOptions ToOptions()
    {
        var options = new EvolvabilityOptions
        {
            Run = Run, Device = Device, Trait = Trait, Parents = Parents, MutantsPerParent = Mutants, MutationSigma = Sigma,
            GenerationsPerTarget = Generations, TargetOffset = TargetOffset, Tolerance = Tolerance,
        };
        options.Validate();
        return options;
    }
}
