using System.ComponentModel;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code experiment learning</c>; values are checked by <c>LearningOptions.Validate</c>.</summary>
public sealed class LearningSettings : CommandSettings
{
    /// <summary>Decoder.</summary>
    [CommandOption("--decoder <NAME>")]
    [Description("Developmental decoder whose weights are learned: grn (default) or nca.")]
    public string Decoder { get; init; } = "grn";

    /// <summary>Evolution strategy.</summary>
    [CommandOption("--strategy <NAME>")]
    [StrategyDescription("Evolution strategy over the flat weight vector (cma means cma-diagonal here: a full covariance over the weights is D x D). Default es.")]
    public string Strategy { get; init; } = "es";

    /// <summary>Generations.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations of the evolution strategy, >= 1. Default 150.")]
    public int Generations { get; init; } = 150;

    /// <summary>Population size.</summary>
    [CommandOption("-p|--population <N>")]
    [Description("Weight vectors per generation, >= 2 (even for es). Default 32.")]
    public int Population { get; init; } = 32;

    /// <summary>Gradient steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Adam steps of the gradient learner, >= 1. Default 600.")]
    public int Steps { get; init; } = 600;

    /// <summary>Adam step size of the gradient learner.</summary>
    [CommandOption("--learning-rate <LR>")]
    [Description("Adam step size of the gradient learner, > 0. Default 0.01.")]
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Search width of the strategy.</summary>
    [CommandOption("--sigma <S>")]
    [Description("Search width of the strategy on the weights (OpenAI-ES perturbation SD, CMA-ES initial step size, GA mutation SD), > 0. Default 0.02.")]
    public double Sigma { get; init; } = 0.02;

    /// <summary>Adam step size of OpenAI-ES.</summary>
    [CommandOption("--es-learning-rate <LR>")]
    [Description("Adam step size of OpenAI-ES on its mean, > 0. Default 0.03.")]
    public double EsLearningRate { get; init; } = 0.03;

    /// <summary>Population backend of the evolution strategy.</summary>
    [CommandOption("--backend <NAME>")]
    [Description("How each generation develops: torch (one batched TorchSharp call, default) or ilgpu (the GPU kernels, on --accelerator).")]
    public string Backend { get; init; } = "torch";

    /// <summary>ILGPU accelerator.</summary>
    [CommandOption("--accelerator <NAME>")]
    [Description("--backend ilgpu: auto (CUDA when present, default), cuda, cuda:N or cpu (ILGPU's CPU accelerator: slow, for checks).")]
    public string Accelerator { get; init; } = "auto";

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the initial weights, the genomes, developmental noise and the strategy. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto. Default cpu.")]
    public string Device { get; init; } = "cpu";

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for learning.json and the figures (created; earlier learning files are replaced). Default runs/learning.")]
    public string Out { get; init; } = Path.Combine("runs", "learning");

    /// <summary>The experiment's options from these settings; validated.</summary>
    public LearningOptions ToOptions()
    {
        var spec = StrategyCatalog.With(StrategyCatalog.Spec(Strategy == "cma" ? "cma-diagonal" : Strategy), Population, Sigma);
        if (spec.Options is OpenAiEsOptions es) spec = StrategyCatalog.Spec(spec.Name, es with { LearningRate = EsLearningRate });
        var options = new LearningOptions
        {
            Decoder = LearningOptions.DecoderFor(Decoder), Strategy = spec, Generations = Generations, Steps = Steps, LearningRate = LearningRate, Device = Device,
        };
        options.Validate();
        return options;
    }
}
