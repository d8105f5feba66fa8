using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class LabelledImageSetTests
{
    /// <summary>Labels 0,1,0,2,1,0 (class counts 3, 2, 1 would leave 2 out); here 1x1x2 images, image i = grey bytes (i, 200 + i).</summary>
    private static LabelledImageSet Small(DatasetOptions? options = null, int[]? labels = null)
    {
        labels ??= new[] { 0, 1, 0, 2, 1, 0, 2 };
        var pixels = Enumerable.Range(0, labels.Length).SelectMany(i => new[] { (byte)i, (byte)(200 + i) }).ToArray();
        return new LabelledImageSet("small", pixels, labels, new[] { "a", "b", "c" }, (1, 1, 2), options);
    }

    [Fact]
    public void Should_GridClassAndInstance_When_ClassesHaveDifferentCounts()
    {
        var set = Small();                                  // counts 3, 2, 2: m = 2, one image (the third 'a', image 5) left out
        Assert.Equal(new[] { "class", "instance" }, set.FactorNames);
        Assert.Equal(new[] { 3, 2 }, set.FactorSizes);
        Assert.Equal(new[] { 3, 2, 2 }, set.ClassCounts);
        Assert.Equal((2, 1, 6L), (set.InstancesPerClass, set.OmittedCount, set.Count));
        Assert.Equal(new[] { 0 }, set.ScoredFactors);
        Assert.Equal(new[] { 0 }, ((IGroundTruthData)set).ScoredFactors);
        Assert.Contains("7 images, 3 classes x 2 instances in the factor grid, 1 images beyond the smallest class's 2 left out", set.Describe());

        // (class 2, instance 1) is the second image labelled 2: image 6, bytes (6, 206).
        Assert.Equal(6, set.ImageIndex(2, 1));
        using var t = set.Render(new[,] { { 2, 1 }, { 0, 0 } });
        Assert.Equal(new long[] { 2, 1, 1, 2 }, t.shape);
        Assert.Equal(new[] { 6 / 255f, 206 / 255f, 0f, 200 / 255f }, t.data<float>().ToArray());
    }

    [Fact]
    public void Should_SampleOnlyGridPoints_When_SamplingFactors()
    {
        var set = Small();
        var f = set.SampleFactors(200, 3);
        for (int r = 0; r < 200; r++) Assert.InRange(f[r, 1], 0, 1);
        Assert.Equal(f, set.SampleFactors(200, 3));
        var e = Assert.Throws<UserInputException>(() => set.Render(new[,] { { 0, 2 } }));
        Assert.Contains("factors (0, 2) are outside the grid 3 x 2", e.Message);
    }

    [Fact]
    public void Should_GiveOnesAboveTheThreshold_When_BinarizingByThreshold()
    {
        var set = new LabelledImageSet("t", new byte[] { 0, 127, 128, 255 }, new[] { 0 }, new[] { "x" }, (1, 2, 2),
            new DatasetOptions { Binarize = DatasetOptions.Threshold });
        using var t = set.Render(new[,] { { 0, 0 } });
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, t.data<float>().ToArray()); // 127/255 = 0.498, 128/255 = 0.502
    }

    [Fact]
    public void Should_MatchSplitMix64_When_DrawingUniforms()
    {
        // SplitMix64 from state 0: outputs 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4; top 53 bits / 2^53.
        Assert.Equal(0.8833108082136426, LabelledImageSet.Uniform(0, 0), 15);
        Assert.Equal(0.43152799704850997, LabelledImageSet.Uniform(0, 1), 15);
    }

    [Fact]
    public void Should_KeepOneDrawPerImage_When_BinarizingStatically()
    {
        // One class, 40 images of 28x28 all at grey 64 (p = 0.251): a fixed draw per image.
        var pixels = Enumerable.Repeat((byte)64, 40 * 784).ToArray();
        var set = new LabelledImageSet("s", pixels, new int[40], new[] { "x" }, (1, 28, 28), new DatasetOptions { Binarize = DatasetOptions.Static, BinarizeSeed = 5 });
        using var a = set.Render(new[,] { { 0, 3 }, { 0, 4 } });
        using var b = set.Render(new[,] { { 0, 7 }, { 0, 3 } });
        var va = a.data<float>().ToArray();
        var vb = b.data<float>().ToArray();
        Assert.Equal(va[..784], vb[784..]);                 // image 3 draws the same pixels in any batch
        Assert.NotEqual(va[..784], va[784..]);              // images 3 and 4 draw differently
        Assert.All(va, v => Assert.True(v is 0f or 1f));
        using var all = set.RenderImages(Enumerable.Range(0, 40).ToArray());
        double mean = all.mean().item<float>();
        Assert.InRange(mean, 64 / 255.0 - 0.02, 64 / 255.0 + 0.02); // 31,360 draws: standard error 0.0025
    }

    [Fact]
    public void Should_DrawAfreshPerBatch_When_BinarizingDynamically()
    {
        var pixels = Enumerable.Repeat((byte)128, 3 * 784).ToArray();
        var set = new LabelledImageSet("d", pixels, new int[3], new[] { "x" }, (1, 28, 28), new DatasetOptions { Binarize = DatasetOptions.Dynamic });
        using var a = set.Render(new[,] { { 0, 0 }, { 0, 1 } });
        using var again = set.Render(new[,] { { 0, 0 }, { 0, 1 } });
        using var other = set.Render(new[,] { { 0, 0 }, { 0, 2 } });
        Assert.Equal(a.data<float>().ToArray(), again.data<float>().ToArray());               // same batch, same draw
        Assert.NotEqual(a.data<float>().ToArray()[..784], other.data<float>().ToArray()[..784]); // image 0 in another batch: new draw
    }

    [Fact]
    public void Should_RefuseInOneLine_When_TheSetIsMalformed()
    {
        Assert.Contains("class 2 ('c') has no images", Assert.Throws<UserInputException>(() => Small(labels: new[] { 0, 1, 0 })).Message);
        Assert.Contains("image 1 has label 3, outside 0..2", Assert.Throws<UserInputException>(() => Small(labels: new[] { 0, 3, 2 })).Message);
        Assert.Contains("Binarize must be none, threshold, static or dynamic",
            Assert.Throws<UserInputException>(() => Small(new DatasetOptions { Binarize = "half" })).Message);
        Assert.Contains("12 pixel values for 3 labels", Assert.Throws<UserInputException>(() =>
            new LabelledImageSet("x", new byte[12], new[] { 0, 0, 0 }, new[] { "a" }, (1, 1, 2))).Message);
    }

    [Fact]
    public void Should_RoundTripTheOptions_When_SerialisedAsJson()
    {
        var o = new DatasetOptions { Split = DatasetOptions.Test, Binarize = DatasetOptions.Static, BinarizeThreshold = 0.3, BinarizeSeed = 9 };
        var back = System.Text.Json.JsonSerializer.Deserialize<DatasetOptions>(System.Text.Json.JsonSerializer.Serialize(o));
        Assert.Equal(o, back);
    }
}
