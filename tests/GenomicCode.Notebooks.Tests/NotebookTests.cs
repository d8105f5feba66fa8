using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GenomicCode.Notebooks.Tests;

/// <summary>
/// Every notebooks/*.ipynb runs headless against freshly packed GenomicCode packages, and every notebooks/NN-*.cs twin
/// runs with dotnet run. While notebooks/ holds no .ipynb, the theories have no rows and
/// <see cref="Should_HaveATwinForEveryNotebook_When_TheRepositoryHasNotebooks"/> is reported as skipped with that reason
/// (never a silent pass); once notebooks exist, each needs a twin with the same number.
/// </summary>
public partial class NotebookTests(PackedFeed packed)
{
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(5);
    private static string NotebooksFolder => Path.Combine(PackedFeed.RepositoryRoot, "notebooks");
    private static string FixturesFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>File names of the notebooks in notebooks/.</summary>
    public static TheoryData<string> Notebooks() => new(ListNotebooks());

    /// <summary>File names of the file-based twins notebooks/NN-*.cs.</summary>
    public static TheoryData<string> Twins() => new(ListTwins());

    private static string[] ListNotebooks() => Directory.Exists(NotebooksFolder)
        ? Directory.GetFiles(NotebooksFolder, "*.ipynb").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
        : [];

    private static string[] ListTwins() => Directory.Exists(NotebooksFolder)
        ? Directory.GetFiles(NotebooksFolder, "*.cs").Select(f => Path.GetFileName(f)).Where(n => TwinName().IsMatch(n))
            .Order(StringComparer.Ordinal).ToArray()
        : [];

    // Shown with dotnet test --logger "console;verbosity=detailed".
    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [GeneratedRegex(@"^\d\d-.+\.cs$")]
    private static partial Regex TwinName();

    [Fact]
    public void Should_HaveATwinForEveryNotebook_When_TheRepositoryHasNotebooks()
    {
        var notebooks = ListNotebooks();
        Assert.SkipWhen(notebooks.Length == 0, $"notebooks/ in {PackedFeed.RepositoryRoot} holds no .ipynb yet: no notebook ran");
        var twinPrefixes = ListTwins().Select(t => t[..2]).ToHashSet();
        Assert.All(notebooks, n => Assert.True(twinPrefixes.Contains(n[..2]), $"{n} has no file-based twin notebooks/{n[..2]}-*.cs"));
    }

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(Notebooks))]
    public async Task Should_RunEveryCell_When_RunningANotebook(string notebook)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(NotebookTimeout);
        var cells = await NotebookRunner.RunAsync(Path.Combine(NotebooksFolder, notebook), packed.Feed, packed.Version, timeout.Token);
        Log($"{notebook}: {cells.Count} code cells in {clock.Elapsed.TotalSeconds:F1} s (packing took {packed.PackTime.TotalSeconds:F1} s)");
        Assert.NotEmpty(cells);
    }

    [Theory(SkipTestWithoutData = true)]
    [MemberData(nameof(Twins))]
    public void Should_ExitWithZero_When_RunningAFileBasedTwin(string twin)
    {
        string path = Path.Combine(NotebooksFolder, twin);
        var args = new List<string> { "run", path };
        // A twin that takes GenomicCode from a package gets the freshly packed feed as an extra source.
        if (File.ReadAllText(path).Contains("#:package GenomicCode", StringComparison.Ordinal))
            args.Add($"--property:RestoreAdditionalProjectSources={packed.Feed}");
        var run = Processes.Run("dotnet", args, PackedFeed.RepositoryRoot, NotebookTimeout);
        Log($"dotnet run notebooks/{twin}: exit {run.ExitCode} in {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, $"dotnet run notebooks/{twin} exited with {run.ExitCode} after {run.Elapsed.TotalSeconds:F0} s:\n{run.Output}");
    }

    [Fact]
    public async Task Should_TrainAndShowAnInlineImage_When_RunningTheFixtureNotebook()
    {
        string feed = packed.Feed;
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(NotebookTimeout);
        var cells = await NotebookRunner.RunAsync(Path.Combine(FixturesFolder, "train-and-show.ipynb"), feed, packed.Version, timeout.Token);
        Log($"train-and-show.ipynb: {clock.Elapsed.TotalSeconds:F1} s (packing took {packed.PackTime.TotalSeconds:F1} s)");

        Assert.Equal(new[] { 2, 3, 4, 5 }, cells.Select(c => c.Number));
        Assert.Contains(cells[0].Outputs, o => o.Contains("formatters registered", StringComparison.Ordinal));
        Assert.Contains(cells[2].Outputs, o => o.StartsWith("<div><img src=\"data:image/png;base64,", StringComparison.Ordinal)
                                               && o.Contains("Tensor (4, 1, 64, 64) float32 on cpu", StringComparison.Ordinal));
        Assert.Contains(cells[3].Outputs, o => o.Contains("<td>mig</td><td>0.25</td>", StringComparison.Ordinal));
        if (OperatingSystem.IsLinux())
        {
            // libtorch came from the NuGet cache (through the extension's cpu/ folder), never from a system libtorch.
            var mapped = File.ReadLines("/proc/self/maps").Where(l => l.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf('/')..]).Distinct().ToArray();
            Assert.Single(mapped);
            Assert.Contains("/libtorch-cpu-linux-x64/", mapped[0]);
        }
    }

    [Fact]
    public async Task Should_NameTheNotebookTheCellAndTheError_When_ACellThrows()
    {
        using var timeout = new CancellationTokenSource(NotebookTimeout);
        var e = await Assert.ThrowsAsync<NotebookCellFailedException>(() =>
            NotebookRunner.RunAsync(Path.Combine(FixturesFolder, "throws.ipynb"), feed: null, packed.Version, timeout.Token));
        Assert.StartsWith("throws.ipynb: cell 2 failed: ", e.Message);
        Assert.Contains("fixture failure 42", e.Message);
    }

    [Theory]
    [InlineData("#r \"nuget: GenomicCode.Interactive, *-*\"", "#r \"nuget: GenomicCode.Interactive, 9.9.9-x\"")]
    [InlineData("#r \"nuget:GenomicCode\"", "#r \"nuget:GenomicCode, 9.9.9-x\"")]
    [InlineData("#r \"nuget: GenomicCode.Plotting, 0.1.0\"\n#r \"nuget: TorchSharp-cpu, 0.107.0\"",
                "#r \"nuget: GenomicCode.Plotting, 9.9.9-x\"\n#r \"nuget: TorchSharp-cpu, 0.107.0\"")]
    [InlineData("#r \"nuget: GenomicCodeX, 1.0.0\"", "#r \"nuget: GenomicCodeX, 1.0.0\"")]
    public void Should_PinOnlyGenomicCodePackages_When_PreparingACell(string code, string expected)
    {
        Assert.Equal(expected, NotebookRunner.PinGenomicCodeReferences(code, "9.9.9-x"));
    }
}
