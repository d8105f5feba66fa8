using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;

namespace GenomicCode.Training;

/// <summary>How to train. Defaults follow disentanglement_lib (Locatello et al. 2019): batch 64, Adam 1e-4.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimiser steps in total (1..10^9). Default 3000.</summary>
    public long Steps { get; init; } = 3000;

    /// <summary>Images per step (1..4096). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate (> 0). Default 1e-4.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Adam beta1 in [0, 1). Default 0.9.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam beta2 in [0, 1). Default 0.999.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam epsilon (> 0). Default 1e-8.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off. Default 100.</summary>
    public double GradClipNorm { get; init; } = 100;

    /// <summary>
    /// Normalise each parameter's gradient to unit L2 norm before the Adam step, as Growing NCA trains its automata
    /// (Mordvintsev et al. 2020). Applied after clipping; off by default.
    /// </summary>
    public bool NormalizeGradients { get; init; }

    /// <summary>Run seed: data order, genome noise and initial weights all derive from it. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Write a checkpoint every this many steps (and always at the end); 0 = only at the end. Default 1000.</summary>
    public long CheckpointEvery { get; init; } = 1000;

    /// <summary>Append a line to metrics.jsonl every this many steps (>= 1). Default 25.</summary>
    public long LogEvery { get; init; } = 25;

    /// <summary>Device: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>. Default <c>auto</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Torch intra-op threads; 0 keeps libtorch's default (the number of cores). Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>The data set to train on (<c>genomic-code list datasets</c>), with its options (split, binarisation). Default <c>sprites</c>.</summary>
    [JsonConverter(typeof(DatasetSpecJson))]
    public ComponentSpec Dataset { get; init; } = DatasetCatalog.Spec("sprites");

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public TrainingOptions Validate()
    {
        if (Steps < 1 || Steps > 1_000_000_000) throw new UserInputException($"Steps must be in [1, 1000000000], got {Steps}.");
        Guard.InRange(BatchSize, 1, 4096);
        Guard.Positive(LearningRate);
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) throw new UserInputException($"AdamBeta1 must be in [0, 1), got {AdamBeta1}.");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) throw new UserInputException($"AdamBeta2 must be in [0, 1), got {AdamBeta2}.");
        Guard.Positive(AdamEpsilon);
        Guard.NonNegative(GradClipNorm);
        if (CheckpointEvery < 0) throw new UserInputException($"CheckpointEvery must be >= 0, got {CheckpointEvery}.");
        if (LogEvery < 1) throw new UserInputException($"LogEvery must be >= 1, got {LogEvery}.");
        Guard.InRange(Threads, 0, 1024);
        DatasetCatalog.Catalogue.Validate(Dataset ?? throw new UserInputException("training.dataset must not be null; leave it out for sprites."), "training.dataset");
        return this;
    }
}
