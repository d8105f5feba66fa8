using System.Diagnostics;
using System.Text.RegularExpressions;
using GenomicCode.Notebooks.Runner;

namespace GenomicCode.Notebooks.Tests;

/// <summary>
/// Every notebooks/*.ipynb runs headless against freshly packed GenomicCode packages, each in its own runner process
/// (<see cref="NotebookProcess"/>), and every notebooks/NN-*.cs twin runs with dotnet run. While notebooks/ holds no .ipynb, the theories have no rows and
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
    public void Should_RunEveryCell_When_RunningANotebook(string notebook)
    {
        var clock = Stopwatch.StartNew();
        var run = NotebookProcess.Run(Path.Combine(NotebooksFolder, notebook), packed.Feed, packed.Version, NotebookTimeout, Log);
        Log($"{notebook}: {run.Cells.Count} code cells in {clock.Elapsed.TotalSeconds:F1} s (packing took {packed.PackTime.TotalSeconds:F1} s)");
        Assert.NotEmpty(run.Cells);
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
    public void Should_TrainAndShowAnInlineImage_When_RunningTheFixtureNotebook()
    {
        string feed = packed.Feed;
        var clock = Stopwatch.StartNew();
        var run = NotebookProcess.Run(Path.Combine(FixturesFolder, "train-and-show.ipynb"), feed, packed.Version, NotebookTimeout, Log);
        var cells = run.Cells;
        Log($"train-and-show.ipynb: {clock.Elapsed.TotalSeconds:F1} s (packing took {packed.PackTime.TotalSeconds:F1} s)");

        Assert.Equal(new[] { 2, 3, 4, 5 }, cells.Select(c => c.Number));
        Assert.Contains(cells[0].Outputs, o => o.Contains("formatters registered", StringComparison.Ordinal));
        Assert.Contains(cells[2].Outputs, o => o.StartsWith("<div><img src=\"data:image/png;base64,", StringComparison.Ordinal)
                                               && o.Contains("Tensor (4, 1, 64, 64) float32 on cpu", StringComparison.Ordinal));
        // The image grid drawn from the tensor: image/png (base64 of a PNG) and its text/plain line, 64x64 tiles drawn 2x
        Assert.Contains(cells[2].Outputs, o => o.StartsWith("iVBORw0KGgo", StringComparison.Ordinal));
        Assert.Contains(cells[2].Outputs, o => o.StartsWith("4 images of 64x64 drawn 2x as a 518x128 PNG", StringComparison.Ordinal));
        Assert.Contains(cells[3].Outputs, o => o.Contains("<td>mig</td><td style=\"text-align: right\">0.250</td>", StringComparison.Ordinal));
        if (OperatingSystem.IsLinux())
        {
            // libtorch came from the NuGet cache (through the extension's cpu/ folder), never from a system libtorch.
            Assert.Single(run.Libtorch);
            Assert.Contains("/libtorch-cpu-linux-x64/", run.Libtorch[0]);
        }
    }

    [Fact]
    public void Should_NameTheNotebookTheCellAndTheError_When_ACellThrows()
    {
        var e = Assert.Throws<NotebookCellFailedException>(() =>
            NotebookProcess.Run(Path.Combine(FixturesFolder, "throws.ipynb"), feed: null, packed.Version, NotebookTimeout));
        Assert.StartsWith("throws.ipynb: cell 2 failed: ", e.Message);
        Assert.Contains("fixture failure 42", e.Message);
    }

    [Fact]
    public void Should_NameTheCellAndEndTheProcess_When_ACellNeverFinishes()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<NotebookCellFailedException>(() =>
            NotebookProcess.Run(Path.Combine(FixturesFolder, "hangs.ipynb"), feed: null, packed.Version, TimeSpan.FromSeconds(45)));
        Assert.Equal("hangs.ipynb: cell 2 failed: it did not finish within the time limit", e.Message);
        // The runner gave up after its own limit (45 s less 15 s) and exited by itself: nobody had to kill it.
        Assert.InRange(clock.Elapsed.TotalSeconds, 30, 44);
    }

    [Theory]
    [InlineData(new string[0], "notebook-runner: name the notebook to run (a .ipynb file)")]
    [InlineData(new[] { "missing.ipynb", "--result", "r.json" }, "notebook-runner: notebook 'missing.ipynb' not found")]
    [InlineData(new[] { "Fixtures/throws.ipynb" }, "notebook-runner: --result FILE.json is required")]
    [InlineData(new[] { "Fixtures/throws.ipynb", "--result", "r.json", "--timeout", "soon" }, "notebook-runner: --timeout takes a positive number of seconds, got 'soon'")]
    [InlineData(new[] { "Fixtures/throws.ipynb", "--result", "r.json", "--colour" }, "notebook-runner: --colour needs a value")]
    public void Should_ExitWithTwoAndOneLine_When_TheRunnerGetsBadArguments(string[] arguments, string expected)
    {
        var run = Processes.Run("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "notebook-runner.dll"), .. arguments],
            AppContext.BaseDirectory, TimeSpan.FromMinutes(1));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Output.Split('\n')[0].TrimEnd());
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "r.json")));
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
