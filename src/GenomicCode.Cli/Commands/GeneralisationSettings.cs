using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// Settings of <c>genomic-code experiment generalisation</c>. An option left out takes its value from
/// <c>GeneralisationOptions</c> (the hill-climber reproduction of Kouvaris et al. 2017), or from
/// <c>GeneralisationOptions.GeneticAlgorithmDefaults</c> with <c>--strategy ga</c>; values are checked by
/// <c>GeneralisationOptions.Validate</c>.
/// </summary>
public sealed class GeneralisationSettings : CommandSettings
{
    /// <summary>Search strategy.</summary>
    [CommandOption("--strategy <NAME>")]
    [Description("hill-climber ((1+1), as in Watson et al. 2014 and Kouvaris et al. 2017) or ga (truncation GA). Default hill-climber.")]
    public string? Strategy { get; init; }

    /// <summary>Target set.</summary>
    [CommandOption("--target-set <NAME>")]
    [Description("orthogonal (Hadamard rows; needs 4, 8 or 16 modules) or complement (all module patterns but one pair). Default complement.")]
    public string? TargetSet { get; init; }

    /// <summary>Modules.</summary>
    [CommandOption("--modules <M>")]
    [Description("Modules the traits fall into. Default 3.")]
    public int? Modules { get; init; }

    /// <summary>Traits.</summary>
    [CommandOption("--traits <N>")]
    [Description("Traits (genes), a multiple of the modules. Default 12.")]
    public int? Traits { get; init; }

    /// <summary>Training generations.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations of the training phase (targets alternate), >= 1. Default 100000 (3000 with --strategy ga).")]
    public int? Generations { get; init; }

    /// <summary>Replicates per condition.</summary>
    [CommandOption("--replicates <N>")]
    [Description("Independent replicate runs per condition, >= 1. Default 5 (3 with --strategy ga).")]
    public int? Replicates { get; init; }

    /// <summary>Connection cost.</summary>
    [CommandOption("--connection-cost <C>")]
    [Description("Connection cost lambda of the cost condition (lambda * sum |B_ij|^p / N), >= 0. Default 0.8 (0.02 with --strategy ga).")]
    public double? ConnectionCost { get; init; }

    /// <summary>Cost norm.</summary>
    [CommandOption("--cost-norm <NORM>")]
    [Description("l1 (sparse connectivity) or l2 (weak connectivity). Default l1.")]
    public string? CostNorm { get; init; }

    /// <summary>Test generations.</summary>
    [CommandOption("--test-generations <N>")]
    [Description("Generations allowed to adapt to each test target, >= 1. Default 2000 (300 with --strategy ga).")]
    public int? TestGenerations { get; init; }

    /// <summary>Population size.</summary>
    [CommandOption("-p|--population <N>")]
    [Description("Individuals per generation of the GA, >= 2. Default 64.")]
    public int? Population { get; init; }

    /// <summary>Generations between target switches.</summary>
    [CommandOption("--switch-every <N>")]
    [Description("Generations between target switches in training, >= 1. Default 1000 (25 with --strategy ga).")]
    public int? SwitchEvery { get; init; }

    /// <summary>Mutation size of G.</summary>
    [CommandOption("--sigma-g <S>")]
    [Description("Mutation size of the direct effects G, >= 0. Default 0.3 (0.05 with --strategy ga).")]
    public double? SigmaG { get; init; }

    /// <summary>Mutation size of B.</summary>
    [CommandOption("--sigma-b <S>")]
    [Description("Mutation size of the regulatory weights B, >= 0. Default 0.01.")]
    public double? SigmaB { get; init; }

    /// <summary>tau1.</summary>
    [CommandOption("--tau1 <T>")]
    [Description("Rate of regulation tau1 in P(t+1) = P(t) + tau1 tanh(B P(t)) - tau2 P(t). Default 1.")]
    public double? Tau1 { get; init; }

    /// <summary>tau2.</summary>
    [CommandOption("--tau2 <T>")]
    [Description("Decay rate tau2, between 0 and 1. Default 0.2.")]
    public double? Tau2 { get; init; }

    /// <summary>Environmental noise kappa.</summary>
    [CommandOption("--environmental-noise <KAPPA>")]
    [Description("Adds a condition trained with Gaussian noise of SD kappa on every target trait in every generation (Kouvaris et al. 2017 use 35e-4), >= 0. Default 0 (no such condition).")]
    public double? EnvironmentalNoise { get; init; }

    /// <summary>Connection costs of the error curve.</summary>
    [CommandOption("--cost-sweep <LIST>")]
    [Description("Comma-separated connection costs (in --cost-units) for the training / generalisation error curve against lambda; each trains --replicates lineages. Default none.")]
    public string? CostSweep { get; init; }

    /// <summary>Units of the connection costs.</summary>
    [CommandOption("--cost-units <UNITS>")]
    [Description("Units of --connection-cost and --cost-sweep: ours (lambda sum|B|^p / N against P.S / N) or kouvaris (their lambda sum|B|^p / N^2 against 0.5 (1 + P.S / (N tau1 / tau2)); L1 0.22 and L2 38 in their units). Default ours.")]
    public string? CostUnits { get; init; }

    /// <summary>How the genome encodes B.</summary>
    [CommandOption("--genome <KIND>")]
    [Description("direct (B evolves entry by entry, default) or nucleotide: beside the direct conditions, B is read from DNA by sequence affinity (one gene per trait: a motif and a cis region) and evolved by point substitutions, no cost and cost side by side.")]
    public string? Genome { get; init; }

    /// <summary>Motif length of the nucleotide genome.</summary>
    [CommandOption("--motif-length <M>")]
    [Description("--genome nucleotide: bases of each gene's transcription-factor motif (1..64). Default 4.")]
    public int? MotifLength { get; init; }

    /// <summary>Cis-region length of the nucleotide genome.</summary>
    [CommandOption("--cis-length <C>")]
    [Description("--genome nucleotide: bases of each gene's cis-regulatory region (>= the motif length). Default 8.")]
    public int? CisLength { get; init; }

    /// <summary>Point substitutions per genome and generation (GA).</summary>
    [CommandOption("--substitutions <N>")]
    [Description("--genome nucleotide with --strategy ga: expected point substitutions in the DNA per genome and generation (> 0; the hill climber substitutes one base per mutation). Default 1.")]
    public double? Substitutions { get; init; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of every replicate. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for generalisation.json and the figures (created). Default runs/generalisation.")]
    public string Out { get; init; } = Path.Combine("runs", "generalisation");

    /// <summary>The experiment's options: the defaults of the chosen strategy with every option given here replaced; validated.</summary>
    public GeneralisationOptions ToOptions()
    {
        var start = Strategy == "ga" ? GeneralisationOptions.GeneticAlgorithmDefaults : new GeneralisationOptions();
        var options = start with
        {
            Strategy = Strategy ?? start.Strategy, TargetSet = TargetSet ?? start.TargetSet,
            Modules = Modules ?? start.Modules, Traits = Traits ?? start.Traits,
            TrainingGenerations = Generations ?? start.TrainingGenerations, Replicates = Replicates ?? start.Replicates,
            ConnectionCost = ConnectionCost ?? start.ConnectionCost, CostNorm = CostNorm ?? start.CostNorm,
            TestGenerations = TestGenerations ?? start.TestGenerations, PopulationSize = Population ?? start.PopulationSize,
            SwitchEvery = SwitchEvery ?? start.SwitchEvery, SigmaG = SigmaG ?? start.SigmaG,
            SigmaB = SigmaB ?? start.SigmaB, Tau1 = Tau1 ?? start.Tau1, Tau2 = Tau2 ?? start.Tau2,
            EnvironmentalNoise = EnvironmentalNoise ?? start.EnvironmentalNoise, CostUnits = CostUnits ?? start.CostUnits,
            CostSweep = CostSweep is null ? start.CostSweep : ParseCosts(CostSweep),
            Genome = Genome ?? start.Genome, MotifLength = MotifLength ?? start.MotifLength, CisLength = CisLength ?? start.CisLength,
            Substitutions = Substitutions ?? start.Substitutions,
        };
        options.Validate();
        return options;
    }

    // Comma-separated costs >= 0; anything else is a one-line error naming --cost-sweep.
    private static double[] ParseCosts(string text)
    {
        var values = new List<double>();
        foreach (string p in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) || !(v >= 0) || double.IsInfinity(v))
                throw new Core.UserInputException($"--cost-sweep: '{p}' is not a connection cost >= 0; give a comma-separated list such as 0,0.1,0.22,0.5.");
            values.Add(v);
        }
        if (values.Count == 0) throw new Core.UserInputException("--cost-sweep needs at least one cost, for example 0,0.1,0.22,0.5.");
        return values.ToArray();
    }
}
