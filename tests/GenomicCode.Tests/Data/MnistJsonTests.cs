using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class MnistJsonTests
{
    /// <summary>A digit file as the npm package writes it: grey bytes g as g / 255 rounded to 3 decimals, all images in one array.</summary>
    internal static string DigitJson(IEnumerable<byte> greys) =>
        "{ \"data\": [" + string.Join(",", greys.Select(g => Math.Round(g / 255.0, 3).ToString(CultureInfo.InvariantCulture))) + "] }";

    /// <summary>Writes one digit file per class: class c has counts[c] images, image i of class c filled with grey (10 c + i).</summary>
    internal static string[] WriteDigits(TempDir dir, int[] counts)
    {
        var files = new string[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            files[c] = dir[$"{c}.json"];
            File.WriteAllText(files[c], DigitJson(Enumerable.Range(0, counts[c]).SelectMany(i => Enumerable.Repeat((byte)(10 * c + i), MnistJson.PixelsPerImage))));
        }
        return files;
    }

    [Fact]
    public void Should_RecoverEveryGreyByte_When_ThePackageRoundsToThreeDecimals()
    {
        var all = Enumerable.Range(0, 256).Select(g => (byte)g).ToArray();
        var padded = all.Concat(new byte[3 * MnistJson.PixelsPerImage - 256]).ToArray();
        var read = MnistJson.Parse(System.Text.Encoding.UTF8.GetBytes(DigitJson(padded)), "all.json");
        Assert.Equal(padded, read);                        // 0.004 -> 1, 0.502 -> 128, 0.996 -> 254, 1 -> 255
    }

    [Fact]
    public void Should_NameTheFile_When_TheJsonIsTruncatedOrNotADigitFile()
    {
        string full = DigitJson(new byte[MnistJson.PixelsPerImage]);
        var cut = Assert.Throws<UserInputException>(() => MnistJson.Parse(System.Text.Encoding.UTF8.GetBytes(full[..(full.Length / 2)]), "3.json"));
        Assert.StartsWith("'3.json': not valid JSON", cut.Message);
        Assert.Contains("truncated", cut.Message);

        var ragged = Assert.Throws<UserInputException>(() => MnistJson.Parse("{\"data\": [0, 0.5, 1]}"u8.ToArray(), "r.json"));
        Assert.Contains("holds 3 values, not a positive multiple of 784", ragged.Message);

        var outside = Assert.Throws<UserInputException>(() => MnistJson.Parse("{\"data\": [0, 1.5]}"u8.ToArray(), "o.json"));
        Assert.Contains("value 1 of \"data\" is not a grey value in [0, 1]", outside.Message);

        Assert.Contains("no \"data\" array", Assert.Throws<UserInputException>(() => MnistJson.Parse("{\"pixels\": []}"u8.ToArray(), "n.json")).Message);
        Assert.Contains("expected a JSON object", Assert.Throws<UserInputException>(() => MnistJson.Parse("[1, 2]"u8.ToArray(), "a.json")).Message);
    }

    [Fact]
    public void Should_SplitTheLastImagesOfEachDigitIntoTest_When_ReadingDigitFiles()
    {
        using var dir = new TempDir();
        var files = WriteDigits(dir, new[] { 5, 4, 6 });    // three classes, test takes the last 2 of each
        var train = MnistDigits.FromFiles(files, new DatasetOptions(), testPerClass: 2);
        var test = MnistDigits.FromFiles(files, new DatasetOptions { Split = DatasetOptions.Test }, testPerClass: 2);

        Assert.Equal(new[] { 3, 2, 4 }, train.ClassCounts);
        Assert.Equal((2, 3), (train.InstancesPerClass, train.OmittedCount)); // 9 images, 3 x 2 in the grid
        Assert.Equal(new[] { 2, 2, 2 }, test.ClassCounts);
        Assert.Equal(0, test.OmittedCount);

        // Class 2, instance 1: image 1 of digit file 2 in train (grey 21), image 4 + 1 = 5 in test (grey 25).
        using var a = train.Render(new[,] { { 2, 1 } });
        using var b = test.Render(new[,] { { 2, 1 } });
        Assert.Equal(21f / 255f, a[0, 0, 14, 14].item<float>(), 6);
        Assert.Equal(25f / 255f, b[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal((1, 28, 28), train.ObservationShape);

        var e = Assert.Throws<UserInputException>(() => MnistDigits.FromFiles(files, testPerClass: 4));
        Assert.Contains("1.json' holds 4 digits; the test split takes the last 4", e.Message);
    }
}
