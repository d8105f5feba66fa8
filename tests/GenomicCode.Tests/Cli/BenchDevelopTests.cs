using System.Text.Json;
using GenomicCode.Cli;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class BenchDevelopTests
{
    [Theory]
    [InlineData("nca")]
    [InlineData("grn")]
    public void Should_PrintAndWriteJson_When_BenchmarkingATinyWorkload(string decoder)
    {
        using var dir = new TempDir();
        var r = Run("bench", "develop", "--decoder", decoder, "--batch", "2", "--grid", "6", "--channels", "6", "--steps", "3",
            "--iterations", "2", "--warmup", "0", "--json", dir["b.json"]);
        Assert.True(r.Code == 0, r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(dir["b.json"]));
        var root = doc.RootElement;
        foreach (var key in new[] { "workload", "forward_organism_steps_per_second", "train_organism_steps_per_second", "train_step_seconds_median", "peak_rss_mb", "threads", "device" })
            Assert.True(root.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal(6, root.GetProperty("workload").GetProperty("grid").GetInt32());
        Assert.True(root.GetProperty("train_organism_steps_per_second").GetDouble() > 0);
        Assert.Contains("\"forward_organism_steps_per_second\"", r.Output);
    }

    [Theory]
    [InlineData("torch", "grn")]
    [InlineData("loop", "grn")]
    [InlineData("ilgpu", "nca")]
    public void Should_MeasureEveryPopulationSize_When_BenchmarkingPopulations(string backend, string decoder)
    {
        using var dir = new TempDir();
        var args = new List<string> { "bench", "develop", "--population", "2,3", "--backend", backend, "--decoder", decoder, "--grid", "6",
            "--channels", "5", "--morphogens", "2", "--hidden", "8", "--steps", "3", "--genomes", "2", "--iterations", "1", "--warmup", "0", "--json", dir["p.json"] };
        if (backend == "ilgpu") args.AddRange(new[] { "--accelerator", "cpu", "--check" });
        var r = Run(args.ToArray());
        Assert.True(r.Code == 0, r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(dir["p.json"]));
        var points = doc.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(new[] { 2, 3 }, points.Select(p => p.GetProperty("population").GetInt32()));
        Assert.Equal(new long[] { 4, 6 }, points.Select(p => p.GetProperty("organisms").GetInt64()));
        Assert.All(points, p => Assert.True(p.GetProperty("organisms_per_second").GetDouble() > 0));
        Assert.Equal(backend == "ilgpu", points[0].TryGetProperty("device_seconds_median", out var d) && d.ValueKind == JsonValueKind.Number);
        Assert.StartsWith(backend, doc.RootElement.GetProperty("label").GetString());
        if (backend == "ilgpu")
        {
            var check = doc.RootElement.GetProperty("check");
            Assert.True(check.GetProperty("passed").GetBoolean());
            Assert.Equal(0.0, check.GetProperty("max_abs_difference").GetDouble()); // the CPU accelerator against itself
        }

        // And the plot draws it
        var plot = Run("bench", "plot", "--json", dir["p.json"], "--out", dir["p.png"]);
        Assert.True(plot.Code == 0, plot.Output);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(dir["p.png"])[..4]);
    }

    [Theory]
    [InlineData("--backend", "cuda", "--backend must be torch, loop or ilgpu")]
    [InlineData("--population", "32,x", "--population takes comma-separated whole numbers")]
    [InlineData("--population", "0", "--population must list sizes")]
    [InlineData("--check", null, "--check compares an ILGPU accelerator")]
    public void Should_GiveAOneLineError_When_ThePopulationBenchmarkIsBad(string option, string? value, string expected)
    {
        var args = new List<string> { "bench", "develop", option };
        if (value is not null) args.Add(value);
        if (option != "--population") args.AddRange(new[] { "--population", "2" });
        var r = Run(args.ToArray());
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Output);
        Assert.Single(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_NameTheFile_When_PlottingSomethingElse()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["x.json"], "{\"workload\": {}}");
        var r = Run("bench", "plot", "--json", dir["x.json"], "--out", dir["x.png"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("has no \"points\" list", r.Output);
        Assert.False(File.Exists(dir["x.png"]));
    }

    [Theory]
    [InlineData("--grid", "2", "--grid must be in [3, 1024]")]
    [InlineData("--steps", "0", "--steps must be in [1, 10000]")]
    [InlineData("--decoder", "landscape", "--decoder must be nca or grn")]
    [InlineData("--start", "middle", "--start must be seed or full")]
    [InlineData("--device", "cuda:7", "cuda")]
    public void Should_GiveAOneLineError_When_TheWorkloadIsBad(string option, string value, string expected)
    {
        var r = Run("bench", "develop", option, value, "--iterations", "1");
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Output);
        Assert.Single(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", r.Output);
    }

    [Fact]
    public void Should_RejectAnUnknownDecoder_When_Training()
    {
        var r = Run("train", "--decoder", "blueprint", "--steps", "1");
        Assert.Equal(2, r.Code);
        Assert.Contains($"unknown decoder 'blueprint'; known: {string.Join(", ", GenomicCode.Development.DecoderCatalog.Names)}.", r.Output);
    }

    [Theory]
    [InlineData("nca")]
    [InlineData("landscape")]
    public void Should_WriteADevelopmentStrip_When_TrainingADevelopmentalDecoder(string decoder)
    {
        using var dir = new TempDir();
        string preset = dir["nca.json"];
        File.WriteAllText(preset, """
            {
              "name": "tiny-nca",
              "model": { "latentSize": 3, "hiddenSize": 32, "decoder": "DECODER", "development": { "steps": 3, "channels": 6, "hiddenSize": 8, "grid": 8, "morphogens": 2 } },
              "training": { "steps": 2, "batchSize": 2, "learningRate": 0.001, "logEvery": 1, "device": "cpu" }
            }
            """.Replace("DECODER", decoder));
        var r = Run("train", "--preset", preset, "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.True(File.Exists(Path.Combine(dir["run"], "development.png")));
        Assert.Equal(decoder == "landscape", File.Exists(Path.Combine(dir["run"], "landscape.png")));
        Assert.True(File.Exists(Path.Combine(dir["run"], "reconstructions.png")));
    }
}
