using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Data;

/// <summary>
/// A set of real images with class labels, seen through the ground-truth contract as a deterministic factor grid of
/// two factors: <c>class</c> (one value per class) and <c>instance</c> (the i-th image of that class, in file order).
/// Classes rarely hold the same number of images, so the grid keeps the first m images of every class, m being the
/// smallest class's count; the images beyond m in larger classes (<see cref="OmittedCount"/>) are left out of the grid
/// (<see cref="RenderImages"/> still reaches every image). The instance index carries no meaning of its own, so
/// metrics score only the class (<see cref="ScoredFactors"/>).
/// </summary>
public sealed class LabelledImageSet : IGroundTruthData
{
    private static readonly string[] Names = { "class", "instance" };
    private static readonly int[] Scored = { 0 };

    private readonly byte[]? bytes;
    private readonly float[]? floats;
    private readonly int[] labels;
    private readonly int[][] byClass;
    private readonly string[] classNames;
    private readonly int[] sizes;
    private readonly int imageSize;

    /// <summary>Images stored as grey/colour bytes (value / 255), <paramref name="pixels"/> = images x C x H x W.</summary>
    public LabelledImageSet(string name, byte[] pixels, IReadOnlyList<int> labels, IReadOnlyList<string> classNames,
        (int Channels, int Height, int Width) shape, DatasetOptions? options = null)
        : this(name, pixels.LongLength, labels, classNames, shape, options) => bytes = pixels;

    /// <summary>Images stored as values in [0, 1], <paramref name="pixels"/> = images x C x H x W.</summary>
    public LabelledImageSet(string name, float[] pixels, IReadOnlyList<int> labels, IReadOnlyList<string> classNames,
        (int Channels, int Height, int Width) shape, DatasetOptions? options = null)
        : this(name, pixels.LongLength, labels, classNames, shape, options)
    {
        for (long i = 0; i < pixels.LongLength; i++)
            if (!(pixels[i] >= 0 && pixels[i] <= 1))
                throw new UserInputException($"{name}: pixel value {pixels[i]} at {i} is outside [0, 1].");
        floats = pixels;
    }

    private LabelledImageSet(string name, long pixelCount, IReadOnlyList<int> labels, IReadOnlyList<string> classNames,
        (int Channels, int Height, int Width) shape, DatasetOptions? options)
    {
        Name = name;
        Options = (options ?? new DatasetOptions()).Validate();
        if (shape.Channels < 1 || shape.Height < 1 || shape.Width < 1)
            throw new UserInputException($"{name}: image shape {shape} must be positive.");
        if (classNames.Count < 1) throw new UserInputException($"{name}: a labelled image set needs at least one class.");
        imageSize = shape.Channels * shape.Height * shape.Width;
        if (labels.Count == 0 || pixelCount != (long)labels.Count * imageSize)
            throw new UserInputException($"{name}: {pixelCount} pixel values for {labels.Count} labels; expected {labels.Count} x {imageSize} (C x H x W).");
        ObservationShape = shape;
        this.labels = labels.ToArray();
        this.classNames = classNames.ToArray();
        var lists = Enumerable.Range(0, classNames.Count).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < this.labels.Length; i++)
        {
            int label = this.labels[i];
            if ((uint)label >= (uint)classNames.Count)
                throw new UserInputException($"{name}: image {i} has label {label}, outside 0..{classNames.Count - 1}.");
            lists[label].Add(i);
        }
        byClass = lists.Select(l => l.ToArray()).ToArray();
        for (int c = 0; c < byClass.Length; c++)
            if (byClass[c].Length == 0) throw new UserInputException($"{name}: class {c} ('{classNames[c]}') has no images; every class needs at least one.");
        InstancesPerClass = byClass.Min(l => l.Length);
        sizes = new[] { classNames.Count, InstancesPerClass };
        Grid = new FactorGrid(sizes);
    }

    /// <summary>Name of the set, for messages (for example <c>fashion-mnist train</c>).</summary>
    public string Name { get; }

    /// <summary>Split and binarisation.</summary>
    public DatasetOptions Options { get; }

    /// <summary>Class names, by label.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>All stored images, including those left out of the factor grid.</summary>
    public int ImageCount => labels.Length;

    /// <summary>Images per class, by label.</summary>
    public IReadOnlyList<int> ClassCounts => byClass.Select(l => l.Length).ToArray();

    /// <summary>m: the smallest class's count, the size of the <c>instance</c> factor.</summary>
    public int InstancesPerClass { get; }

    /// <summary>Images left out of the factor grid (beyond the first m of their class).</summary>
    public int OmittedCount => ImageCount - classNames.Length * InstancesPerClass;

    /// <summary>The factor grid (class, instance), instance fastest.</summary>
    public FactorGrid Grid { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> FactorNames => Names;

    /// <inheritdoc />
    public IReadOnlyList<int> FactorSizes => sizes;

    /// <summary>Only the class: the instance index is a position in a file, not a factor of variation.</summary>
    public IReadOnlyList<int> ScoredFactors => Scored;

    /// <inheritdoc />
    public (int Channels, int Height, int Width) ObservationShape { get; }

    /// <inheritdoc />
    public long Count => Grid.Count;

    /// <summary>Label of stored image <paramref name="image"/>.</summary>
    public int Label(int image) => labels[image];

    /// <summary>Stored index of the <paramref name="instance"/>-th image of class <paramref name="label"/>.</summary>
    public int ImageIndex(int label, int instance)
    {
        if ((uint)label >= (uint)byClass.Length) throw new UserInputException($"{Name}: class {label} is outside 0..{byClass.Length - 1}.");
        if ((uint)instance >= (uint)byClass[label].Length)
            throw new UserInputException($"{Name}: class {label} has {byClass[label].Length} images; instance {instance} is outside.");
        return byClass[label][instance];
    }

    /// <summary>One line: images, classes, grid and what was left out.</summary>
    public string Describe() =>
        $"{Name}: {ImageCount} images, {classNames.Length} classes x {InstancesPerClass} instances in the factor grid" +
        (OmittedCount == 0 ? "" : $", {OmittedCount} images beyond the smallest class's {InstancesPerClass} left out of the grid") +
        $", binarize {Options.Binarize}";

    /// <inheritdoc />
    public int[,] SampleFactors(int n, long seed) => Grid.Sample(n, seed);

    /// <inheritdoc />
    public Tensor Render(int[,] factors, Device? device = null)
    {
        int n = factors.GetLength(0);
        if (factors.GetLength(1) != 2) throw new UserInputException($"{Name}: expected 2 factor columns (class, instance), got {factors.GetLength(1)}.");
        var images = new int[n];
        for (int r = 0; r < n; r++)
        {
            int c = factors[r, 0], i = factors[r, 1];
            if ((uint)c >= (uint)sizes[0] || (uint)i >= (uint)sizes[1])
                throw new UserInputException($"{Name}: row {r}: factors ({c}, {i}) are outside the grid {sizes[0]} x {sizes[1]}.");
            images[r] = byClass[c][i];
        }
        return RenderImages(images, device);
    }

    /// <summary>Stored images by index (any of <see cref="ImageCount"/>, grid or not) as (n, C, H, W) float32, binarised as the options say.</summary>
    public Tensor RenderImages(IReadOnlyList<int> images, Device? device = null)
    {
        int n = images.Count;
        var values = new float[(long)n * imageSize];
        ulong batchKey = Options.Binarize == DatasetOptions.Dynamic ? BatchKey(images) : 0;
        for (int r = 0; r < n; r++)
        {
            int image = images[r];
            if ((uint)image >= (uint)labels.Length) throw new UserInputException($"{Name}: image {image} is outside 0..{labels.Length - 1}.");
            long from = (long)image * imageSize, to = (long)r * imageSize;
            ulong key = Options.Binarize switch
            {
                DatasetOptions.Static => Seeds.Derive(Options.BinarizeSeed, image),
                DatasetOptions.Dynamic => Seeds.Derive(Options.BinarizeSeed, (long)batchKey, r),
                _ => 0,
            };
            for (int p = 0; p < imageSize; p++)
            {
                double grey = bytes is not null ? bytes[from + p] / 255.0 : floats![from + p];
                values[to + p] = Options.Binarize switch
                {
                    DatasetOptions.None => (float)grey,
                    DatasetOptions.Threshold => grey > Options.BinarizeThreshold ? 1f : 0f,
                    _ => Uniform(key, p) < grey ? 1f : 0f,
                };
            }
        }
        var (ch, h, w) = ObservationShape;
        return torch.tensor(values, new long[] { n, ch, h, w }, device: device);
    }

    /// <summary>
    /// The <paramref name="index"/>-th uniform double in [0, 1) of the SplitMix64 stream whose state starts at
    /// <paramref name="key"/> (Steele, Lea and Flood 2014, section 3; the top 53 bits, as java.util.SplittableRandom's nextDouble).
    /// </summary>
    public static double Uniform(ulong key, int index) =>
        (Seeds.Mix(key + (ulong)index * 0x9E3779B97F4A7C15UL) >> 11) * (1.0 / (1UL << 53));

    private static ulong BatchKey(IReadOnlyList<int> images)
    {
        ulong h = Seeds.Mix((ulong)images.Count);
        foreach (int i in images) h = Seeds.Mix(h ^ (ulong)i);
        return h;
    }
}
