using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, "Fashion-MNIST: a novel image dataset for benchmarking machine learning
/// algorithms"): 70,000 grey 28x28 images of Zalando articles in 10 classes, the original 60,000 training and 10,000 test
/// images, 6,000 and 1,000 per class, read from the original IDX files of Debian's package <c>dataset-fashion-mnist</c>.
/// Every class has the same count, so the (class, instance) grid holds every image.
/// </summary>
public static class FashionMnist
{
    /// <summary>Catalogue and cache name.</summary>
    public const string Name = "fashion-mnist";

    /// <summary>Catalogue entry: split and binarisation in <see cref="DatasetOptions"/>.</summary>
    public static CatalogueEntry<DatasetOptions, DatasetContext, IGroundTruthData> Entry { get; } = new(
        Name, "Zalando article images: 70,000 grey 28x28, 10 classes; train 60,000 / test 10,000 (the original split)",
        "Debian package dataset-fashion-mnist (Xiao, Rasul and Vollgraf 2017); MIT (Zalando SE)",
        (o, c) => Load(c.Cache, o));

    /// <summary>Class names by label (the dataset's README).</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The IDX files of a split: (images, labels).</summary>
    public static (string Images, string Labels) Files(string split) => split switch
    {
        DatasetOptions.Train => ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        DatasetOptions.Test => ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
        _ => throw new UserInputException($"Split must be {DatasetOptions.Train} or {DatasetOptions.Test}, got '{split}'."),
    };

    /// <summary>Loads a split from the data cache, after checking the files' sizes and checksums.</summary>
    public static LabelledImageSet Load(DataCache? cache = null, DatasetOptions? options = null)
    {
        options = (options ?? new DatasetOptions()).Validate();
        cache ??= DataCache.Resolve();
        string dir = cache.Require(Name);
        var (images, labels) = Files(options.Split);
        return FromFiles(Path.Combine(dir, images), Path.Combine(dir, labels), options, $"{Name} {options.Split}");
    }

    /// <summary>Reads any pair of IDX files (images n x 28 x 28, labels n with values 0-9) as a labelled set.</summary>
    public static LabelledImageSet FromFiles(string imagesPath, string labelsPath, DatasetOptions? options = null, string name = Name)
    {
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        if (images.Shape.Length != 3)
            throw new UserInputException($"'{imagesPath}': expected images of shape (count, rows, columns), got ({string.Join(", ", images.Shape)}).");
        if (labels.Shape.Length != 1 || labels.Shape[0] != images.Shape[0])
            throw new UserInputException($"'{labelsPath}': expected {images.Shape[0]} labels (one per image of '{Path.GetFileName(imagesPath)}'), got shape ({string.Join(", ", labels.Shape)}).");
        for (int i = 0; i < labels.Data.Length; i++)
            if (labels.Data[i] >= ClassNames.Count)
                throw new UserInputException($"'{labelsPath}': label {labels.Data[i]} of image {i} is outside 0..{ClassNames.Count - 1}; the file is corrupt.");
        return new LabelledImageSet(name, images.Data, labels.Data.Select(b => (int)b).ToArray(), ClassNames,
            (1, images.Shape[1], images.Shape[2]), options);
    }
}
