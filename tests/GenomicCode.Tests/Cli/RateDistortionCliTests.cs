using System.Text.Json;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class RateDistortionCliTests
{
    [Fact]
    public void Should_WriteJsonAndFigure_When_RunWithTinySettings()
    {
        using var dir = new TempDir();
        var r = Run("experiment", "rate-distortion", "--lengths", "110,118", "--steps", "2", "--eval-images", "8", "--threads", "1", "--seed", "3",
            "--out", dir["rd"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.True(File.Exists(Path.Combine(dir["rd"], "rate_distortion.png")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["rd"], "rate_distortion.json")));
        var root = json.RootElement;
        Assert.Equal("nucleotide", root.GetProperty("genome_kind").GetString());
        Assert.Equal("notebook-dna", root.GetProperty("preset").GetString());
        Assert.Equal(3, root.GetProperty("seed").GetInt64());
        var points = root.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(new[] { 110, 118 }, points.Select(p => p.GetProperty("genome_size").GetInt32()));
        Assert.Equal(new[] { 220.0, 236.0 }, points.Select(p => p.GetProperty("capacity_bits").GetDouble()));
        Assert.All(points, p => Assert.Equal(p.GetProperty("rate_nats").GetDouble() / Math.Log(2), p.GetProperty("rate_bits").GetDouble(), 9));
        Assert.Contains("of at most (bits)", r.Output);
    }

    [Theory]
    [InlineData("--lengths", "100", "genome length 100 does not fit the preset's layout")]
    [InlineData("--lengths", "110,x", "--lengths: 'x' is not a number")]
    [InlineData("--betas", "1,-2", "Betas must be finite numbers >= 0, got -2.")]
    [InlineData("--steps", "0", "Steps must be in [1, 10000000], got 0.")]
    public void Should_ExitWithUsageErrorAndWriteNothing_When_AnOptionIsBad(string option, string value, string expected)
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("experiment", "rate-distortion", option, value, "--out", dir["rd"]), expected);
        Assert.False(File.Exists(Path.Combine(dir["rd"], "rate_distortion.json")));
    }
}
