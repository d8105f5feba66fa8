using System.Text.Json;
using GenomicCode.Numerics;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class SummarizeCliTests
{
    [Fact]
    public void Should_PrintTheMeanAndTInterval_When_SummarisingReplicateFiles()
    {
        using var dir = new TempDir();
        var files = new[] { (1.0, true), (2.0, false), (6.0, true) }.Select((v, i) =>
        {
            string f = dir[$"r{i}.json"];
            File.WriteAllText(f, $$"""{ "gap": { "map": {{v.Item1}} }, "lines": [ { "x": {{10 * v.Item1}} } ], "ok": {{(v.Item2 ? "true" : "false")}} }""");
            return f;
        }).ToArray();
        var r = Run(files.Concat(new[] { "--path", "gap.map", "--path", "lines[0].x", "--path", "ok", "--json", dir["summary.json"] }).Prepend("summarize").ToArray());
        Assert.True(r.Code == 0, r.Output);
        // {1, 2, 6}: mean 3, t(0.975; 2) sqrt(7) / sqrt(3) either side (see StatisticsTests).
        var expected = Statistics.TInterval(new double[] { 1, 2, 6 });
        Assert.Contains("[-3.572, 9.572]", r.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(dir["summary.json"]));
        var lines = json.RootElement.GetProperty("lines");
        Assert.Equal(expected.Lower, lines[0].GetProperty("interval").GetProperty("lower").GetDouble(), 12);
        Assert.Equal(30, lines[1].GetProperty("interval").GetProperty("mean").GetDouble(), 12);
        Assert.Equal(2.0 / 3, lines[2].GetProperty("interval").GetProperty("mean").GetDouble(), 12);   // booleans count 1 and 0
    }

    [Fact]
    public void Should_SummariseThePairedDifference_When_ADifferenceIsGiven()
    {
        using var dir = new TempDir();
        // a - b within each file: {1, 3, 8} - {0, 1, 5} = {1, 2, 3}: mean 2, sd 1, t(0.975; 2) = 4.302652729749464 (R: qt(0.975, 2)).
        var files = new[] { (1.0, 0.0), (3.0, 1.0), (8.0, 5.0) }.Select((v, i) =>
        {
            string f = dir[$"r{i}.json"];
            File.WriteAllText(f, $$"""{ "a": {{v.Item1}}, "c": [ { "b": {{v.Item2}} } ] }""");
            return f;
        }).ToArray();
        var r = Run(files.Concat(new[] { "--difference", "a,c[0].b", "--json", dir["d.json"] }).Prepend("summarize").ToArray());
        Assert.True(r.Code == 0, r.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(dir["d.json"]));
        var line = json.RootElement.GetProperty("lines")[0];
        Assert.Equal("a - c[0].b", line.GetProperty("path").GetString());
        Assert.Equal(new double[] { 1, 2, 3 }, line.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        double half = 4.302652729749464 / Math.Sqrt(3);
        Assert.Equal(2 - half, line.GetProperty("interval").GetProperty("lower").GetDouble(), 9);
        Assert.Equal(2 + half, line.GetProperty("interval").GetProperty("upper").GetDouble(), 9);
        AssertOneLineUsageError(Run("summarize", files[0], "--difference", "a"), "two JSON paths joined by a comma");
    }

    [Fact]
    public void Should_FailWithOneLineError_When_AFileOrValueIsMissing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["a.json"], """{ "x": 1, "s": "NaN" }""");
        AssertOneLineUsageError(Run("summarize", dir["a.json"], "--path", "y"), "no value at 'y'");
        AssertOneLineUsageError(Run("summarize", dir["a.json"], "--path", "s"), "not a finite number");
        AssertOneLineUsageError(Run("summarize", dir["missing.json"], "--path", "x"), "does not exist");
        AssertOneLineUsageError(Run("summarize", dir["a.json"]), "--path is required");
        AssertOneLineUsageError(Run("summarize", dir["a.json"], "--path", "x", "--confidence", "1"), "--confidence must be in (0, 1)");
        AssertOneLineUsageError(Run("summarize", dir["a.json"], "--path", "x", "--json", dir["out.json"], "--path", "y"), "no value at 'y'");
        Assert.False(File.Exists(dir["out.json"]));
    }
}
