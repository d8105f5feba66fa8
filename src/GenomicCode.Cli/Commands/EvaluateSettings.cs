using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code evaluate</c>.</summary>
public sealed class EvaluateSettings : RunSettings
{
    /// <summary>Metric names.</summary>
    [CommandOption("--metrics <LIST>")]
    [Description("Comma-separated metrics (see `genomic-code list metrics`). Default: all.")]
    public string? Metrics { get; init; }

    /// <summary>Encode with posterior samples instead of means.</summary>
    [CommandOption("--samples")]
    [Description("Measure posterior samples instead of posterior means (the default, as disentanglement_lib).")]
    public bool Samples { get; init; }

    /// <summary>Training points per metric.</summary>
    [CommandOption("--num-train <N>")]
    [Description("Training points per metric (also the variance estimate of FactorVAE). Default 10000 (disentanglement_lib).")]
    public int? NumTrain { get; init; }

    /// <summary>Held-out points per metric.</summary>
    [CommandOption("--num-test <N>")]
    [Description("Held-out points per metric. Default 5000 (disentanglement_lib).")]
    public int? NumTest { get; init; }

    /// <summary>Training points of the BetaVAE and FactorVAE scores only.</summary>
    [CommandOption("--num-votes <N>")]
    [Description("Training points of the BetaVAE and FactorVAE scores only (each encodes a batch of 64 or 128 images; held-out points: half). Default: --num-train.")]
    public int? NumVotes { get; init; }

    /// <summary>Other runs for UDR.</summary>
    [CommandOption("--udr-with <DIRS>")]
    [Description("Comma-separated run folders of the same model trained with other seeds: adds the UDR score (Duan et al. 2020) of this run.")]
    public string? UdrWith { get; init; }

    /// <summary>Measure the importance-weighted log-likelihood bound of held-out images.</summary>
    [CommandOption("--log-likelihood")]
    [Description("Measure the importance-weighted log-likelihood bound (IWAE, Burda et al. 2016) of held-out images in nats per image (log_likelihood_nats); then the disentanglement metrics run only when --metrics names them.")]
    public bool LogLikelihood { get; init; }

    /// <summary>Importance samples per image.</summary>
    [CommandOption("--importance-samples <K>")]
    [Description("Importance samples per image of the log-likelihood bound. Default 128.")]
    public int? ImportanceSamples { get; init; }

    /// <summary>Held-out images of the log-likelihood.</summary>
    [CommandOption("--likelihood-images <N>")]
    [Description("Held-out images the log-likelihood is averaged over: N of the test split, evenly spaced (default: all of it), or N sampled from a procedural world (default 1000).")]
    public int? LikelihoodImages { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var run = base.Validate();
        if (!run.Successful) return run;
        if (NumTrain is < 2) return ValidationResult.Error($"--num-train must be >= 2, got {NumTrain}.");
        if (NumVotes is < 2) return ValidationResult.Error($"--num-votes must be >= 2, got {NumVotes}.");
        if (NumTest is < 2) return ValidationResult.Error($"--num-test must be >= 2, got {NumTest}.");
        if (ImportanceSamples is < 1 or > 100_000) return ValidationResult.Error($"--importance-samples must be in [1, 100000], got {ImportanceSamples}.");
        if (LikelihoodImages is < 1) return ValidationResult.Error($"--likelihood-images must be >= 1, got {LikelihoodImages}.");
        if (!LogLikelihood && (ImportanceSamples is not null || LikelihoodImages is not null))
            return ValidationResult.Error("--importance-samples and --likelihood-images need --log-likelihood.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public EvaluationOptions ToOptions()
    {
        static string[] List(string? text) => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = new EvaluationOptions
        {
            Run = Run, Device = Device, Runs = List(UdrWith), Metrics = Metrics is null ? null : List(Metrics), Samples = Samples,
            NumTrain = NumTrain, NumTest = NumTest, NumVotes = NumVotes,
            LogLikelihood = LogLikelihood, ImportanceSamples = ImportanceSamples ?? 128, LikelihoodImages = LikelihoodImages,
        };
        options.Validate();
        return options;
    }
}
