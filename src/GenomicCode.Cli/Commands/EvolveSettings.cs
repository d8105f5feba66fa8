using System.ComponentModel;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code evolve</c>; experiment values are checked by <c>EvolveOptions.Validate</c>.</summary>
public sealed class EvolveSettings : RunSettings
{
    /// <summary>Target: a sprites-world index or a 64x64 NPY image.</summary>
    [CommandOption("-t|--target <INDEX_OR_NPY>")]
    [Description("The phenotype to match: a sprites-world index (0 to 737279) rendered by the run's data, or a 64x64 image in [[0, 1]] saved with numpy.save.")]
    public string? Target { get; init; }

    /// <summary>Evolution strategy.</summary>
    [CommandOption("--strategy <NAME>")]
    [StrategyDescription("Evolution strategy, with its catalogue defaults; its search starts at genome 0. Default cma.")]
    public string Strategy { get; init; } = "cma";

    /// <summary>Generations.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations to evolve, >= 1. Default 150.")]
    public int Generations { get; init; } = 150;

    /// <summary>Population size.</summary>
    [CommandOption("-p|--population <N>")]
    [Description("Individuals per generation (even for es; lineages for hill-climber). Default: the strategy's (4 + 3 ln G for cma, 64 for ga and es, 1 for hill-climber).")]
    public int? Population { get; init; }

    /// <summary>Loss.</summary>
    [CommandOption("--loss <NAME>")]
    [Description("bernoulli (negative log-likelihood in nats, the VAE's reconstruction term; default) or mse.")]
    public string Loss { get; init; } = "bernoulli";

    /// <summary>Evolve on the likelihood alone.</summary>
    [CommandOption("--no-prior")]
    [Description("Leave the prior term log p(z) out of the fitness (likelihood only). By default fitness is the MAP objective log p(x | z) + log p(z), the one the encoder is judged on too; --loss mse needs --no-prior.")]
    public bool NoPrior { get; init; }

    /// <summary>Expected point substitutions per genome and generation on a nucleotide run.</summary>
    [CommandOption("--substitutions <N>")]
    [Description("Nucleotide runs only: expected point substitutions per genome and generation (> 0; each locus mutates with probability N / L, Jukes-Cantor). Default 1.")]
    public double? Substitutions { get; init; }

    /// <summary>JSON output path.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Where to write the result JSON (figures go next to it). Default: evolve.json in the run folder.")]
    public string? Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var run = base.Validate();
        if (!run.Successful) return run;
        if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required: a sprites-world index or a 64x64 .npy image.");
        if (!StrategyCatalog.Catalogue.Contains(Strategy)) return ValidationResult.Error($"--strategy must be one of {string.Join(", ", StrategyCatalog.Names)}, got '{Strategy}'.");
        if (Loss is not ("bernoulli" or "mse")) return ValidationResult.Error($"--loss must be bernoulli or mse, got '{Loss}'.");
        if (Loss == "mse" && !NoPrior) return ValidationResult.Error("--loss mse needs --no-prior: the prior term log p(z) is in nats and adds only to the Bernoulli likelihood.");
        if (Generations < 1) return ValidationResult.Error($"--generations must be >= 1, got {Generations}.");
        if (Substitutions is double n && !(n > 0 && double.IsFinite(n)))
            return ValidationResult.Error($"--substitutions must be a finite number > 0 (expected substitutions per genome and generation), got {n.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public EvolveOptions ToOptions()
    {
        var options = new EvolveOptions
        {
            Run = Run, Device = Device, Target = Target!, Strategy = StrategyCatalog.With(StrategyCatalog.Spec(Strategy), Population),
            Generations = Generations, Loss = Loss, Prior = !NoPrior, Substitutions = Substitutions ?? 1,
        };
        options.Validate();
        return options;
    }
}
