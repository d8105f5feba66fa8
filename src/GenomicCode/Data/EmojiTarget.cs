using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Data;

/// <summary>A target image: <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> values in [0, 1], planar (channel-major).</summary>
/// <param name="Channels">Channels (4 for RGBA).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Values">Channels * Height * Width values.</param>
public sealed record TargetImage(int Channels, int Height, int Width, float[] Values)
{
    /// <summary>Value of channel <paramref name="c"/> at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int c, int y, int x] => Values[(c * Height + y) * Width + x];

    /// <summary>The image as a batch of one: a (1, C, H, W) float32 tensor on <paramref name="device"/>.</summary>
    public Tensor ToTensor(Device? device = null)
    {
        return torch.tensor(Values, new long[] { 1, Channels, Height, Width }, device: device);
    }
}

/// <summary>
/// Emoji targets for Growing NCA (Mordvintsev et al. 2020, "Growing neural cellular automata", Distill): the Noto emoji
/// of the npm package <c>emoji-datasource-google</c> 16.0.0 (64x64 RGBA PNGs), prepared as that work prepares its
/// target: colours premultiplied by alpha, shrunk to 40x40 and padded with 16 transparent pixels on every side, 72x72 in
/// all (its TARGET_SIZE = 40 and TARGET_PADDING = 16). Documented difference: the original shrinks a 128-pixel Noto PNG
/// with PIL's antialiasing (Lanczos) thumbnail; here the 64-pixel PNG is shrunk by exact area averaging in premultiplied
/// space (our choice: no ringing, every output pixel the mean of the source area it covers).
/// </summary>
public static class EmojiTarget
{
    /// <summary>Catalogue and cache name.</summary>
    public const string Name = "emoji";

    /// <summary>Catalogue entry: the ten targets as a labelled set, one image per class (split train, binarize none).</summary>
    public static CatalogueEntry<DatasetOptions, DatasetContext, IGroundTruthData> Entry { get; } = new(
        Name, "10 Noto emoji targets for Growing NCA (lizard 1f98e first): RGBA premultiplied, 40x40 padded to 72x72, one image per class",
        "npm package emoji-datasource-google 16.0.0 (Noto emoji); Apache 2.0 (images), MIT (package)",
        (o, c) => LoadSet(c.Cache, o));

    /// <summary>The ten targets as a labelled image set (class = target, one instance each); only split train, binarize none.</summary>
    public static LabelledImageSet LoadSet(DataCache? cache = null, DatasetOptions? options = null)
    {
        options = (options ?? new DatasetOptions()).Validate();
        cache ??= DataCache.Resolve();
        if (options.Split != DatasetOptions.Train) throw new UserInputException("the emoji targets have no test split; use split train.");
        if (options.Binarize != DatasetOptions.None) throw new UserInputException("the emoji targets are colour images; binarize must be none.");
        var targets = Targets.Select(t => Load(cache, t.Codepoint)).ToArray();
        var first = targets[0];
        return new LabelledImageSet(Name, targets.SelectMany(t => t.Values).ToArray(), Enumerable.Range(0, targets.Length).ToArray(),
            Targets.Select(t => t.ShortName).ToArray(), (first.Channels, first.Height, first.Width), options);
    }

    /// <summary>The Growing NCA lizard, U+1F98E.</summary>
    public const string Lizard = "1f98e";

    /// <summary>Side of the target before padding (Growing NCA's TARGET_SIZE).</summary>
    public const int TargetSize = 40;

    /// <summary>Transparent border on every side (Growing NCA's TARGET_PADDING).</summary>
    public const int TargetPadding = 16;

    /// <summary>The emoji fetched into the cache: the ten of Growing NCA's figures, lizard first (file name without .png, short name).</summary>
    public static IReadOnlyList<(string Codepoint, string ShortName)> Targets { get; } = new[]
    {
        (Lizard, "lizard"), ("1f600", "grinning face"), ("1f4a5", "collision"), ("1f441-fe0f", "eye"), ("1f420", "tropical fish"),
        ("1f98b", "butterfly"), ("1f41e", "lady beetle"), ("1f578-fe0f", "spider web"), ("1f968", "pretzel"), ("1f384", "Christmas tree"),
    };

    /// <summary>
    /// Loads emoji <paramref name="codepoint"/> (default the lizard) from the data cache, after checking the files, as
    /// a premultiplied RGBA target of <paramref name="size"/> plus <paramref name="padding"/> on every side.
    /// </summary>
    public static TargetImage Load(DataCache? cache = null, string codepoint = Lizard, int size = TargetSize, int padding = TargetPadding)
    {
        if (!Targets.Any(t => t.Codepoint == codepoint))
            throw new UserInputException($"emoji '{codepoint}' is not among the fetched targets; known: {string.Join(", ", Targets.Select(t => $"{t.Codepoint} ({t.ShortName})"))}.");
        cache ??= DataCache.Resolve();
        string dir = cache.Require(Name);
        return FromImage(Png.Read(Path.Combine(dir, codepoint + ".png")), size, padding);
    }

    /// <summary>Prepares any RGBA image as a target: premultiply, shrink to a square of <paramref name="size"/> by area averaging, pad.</summary>
    public static TargetImage FromImage(RgbaImage image, int size = TargetSize, int padding = TargetPadding)
    {
        if (size < 1 || padding < 0) throw new UserInputException($"target size must be >= 1 and padding >= 0, got {size} and {padding}.");
        if (image.Width != image.Height) throw new UserInputException($"emoji targets are square; got {image.Width}x{image.Height}.");
        var planar = Premultiply(image);                                          // (4, H, W)
        var small = ResizeArea(planar, 4, image.Height, image.Width, size, size); // (4, size, size)
        return Pad(new TargetImage(4, size, size, small), padding);
    }

    /// <summary>
    /// Straight 8-bit RGBA to planar premultiplied floats: (r a, g b a, b a, a) with every byte / 255, as Growing NCA
    /// prepares its target (img[..., :3] *= img[..., 3:]).
    /// </summary>
    public static float[] Premultiply(RgbaImage image)
    {
        int n = image.Width * image.Height;
        var planar = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            float a = image.Pixels[4 * i + 3] / 255f;
            for (int c = 0; c < 3; c++) planar[c * n + i] = image.Pixels[4 * i + c] / 255f * a;
            planar[3 * n + i] = a;
        }
        return planar;
    }

    /// <summary>
    /// Area-average resampling of planar (C, H, W) values to (C, outH, outW) (our choice of filter): output pixel (y, x)
    /// is the mean of the source over the rectangle [y H/outH, (y + 1) H/outH) x [x W/outW, (x + 1) W/outW), source pixels
    /// weighted by how much of them the rectangle covers.
    /// </summary>
    public static float[] ResizeArea(float[] planar, int channels, int height, int width, int outHeight, int outWidth)
    {
        if (planar.Length != channels * height * width)
            throw new UserInputException($"ResizeArea: {planar.Length} values for {channels} x {height} x {width}.");
        var wy = CoverageWeights(height, outHeight);  // (outH, H)
        var wx = CoverageWeights(width, outWidth);    // (outW, W)
        var output = new float[channels * outHeight * outWidth];
        var rows = new double[outHeight * width];
        for (int c = 0; c < channels; c++)
        {
            Array.Clear(rows);
            for (int oy = 0; oy < outHeight; oy++)            // rows = wy . image
                for (int y = 0; y < height; y++)
                {
                    double w = wy[oy, y];
                    if (w == 0) continue;
                    for (int x = 0; x < width; x++) rows[oy * width + x] += w * planar[(c * height + y) * width + x];
                }
            for (int oy = 0; oy < outHeight; oy++)            // output = rows . wx^T
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double s = 0;
                    for (int x = 0; x < width; x++) s += wx[ox, x] * rows[oy * width + x];
                    output[(c * outHeight + oy) * outWidth + ox] = (float)s;
                }
        }
        return output;
    }

    /// <summary>A transparent (all-zero) border of <paramref name="padding"/> pixels on every side.</summary>
    public static TargetImage Pad(TargetImage image, int padding)
    {
        int h = image.Height + 2 * padding, w = image.Width + 2 * padding;
        var values = new float[image.Channels * h * w];
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < image.Height; y++)
                Array.Copy(image.Values, (c * image.Height + y) * image.Width, values, (c * h + y + padding) * w + padding, image.Width);
        return new TargetImage(image.Channels, h, w, values);
    }

    /// <summary>Weight [o, i] = |[o n/m, (o+1) n/m) ∩ [i, i+1)| / (n/m): the share of output cell o that source cell i covers.</summary>
    private static double[,] CoverageWeights(int n, int m)
    {
        var w = new double[m, n];
        double scale = (double)n / m;
        for (int o = 0; o < m; o++)
        {
            double lo = o * scale, hi = (o + 1) * scale;
            for (int i = (int)Math.Floor(lo); i < n && i < hi; i++)
                w[o, i] = Math.Max(0, Math.Min(hi, i + 1) - Math.Max(lo, i)) / scale;
        }
        return w;
    }
}
