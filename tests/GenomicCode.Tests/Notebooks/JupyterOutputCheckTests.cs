using System.Diagnostics;
using System.Text.Json.Nodes;

namespace GenomicCode.Tests.Notebooks;

/// <summary>
/// notebooks/jupyter/prepare.py --check, which CI runs on every notebook Jupyter executed: it must find a shown figure
/// without image/png, an image only as an HTML data URI and an empty value or table cell, and pass a notebook whose
/// outputs are all right. Skipped where python3 is missing (CI has it: Debian's Jupyter needs it).
/// </summary>
public class JupyterOutputCheckTests
{
    // The 8-byte PNG signature and an IHDR chunk start, base64-encoded: enough for the check, which reads the signature.
    private const string Png = "iVBORw0KGgoAAAANSUhEUg==";

    [Fact]
    public void Should_PassTheNotebook_When_EveryFigureCameBackAsPng()
    {
        var (exit, output) = Check(
            Cell("display(Figures.DrawCurves(\"loss\", \"nats\", series));", Display(("image/png", Png), ("text/plain", "Figure 'loss' (800x500)"))),
            Cell("display(new ScoreTable(scores));", Display(("text/html", "<table><tr><td>VAE</td><td>0.050</td></tr></table>"), ("text/plain", "run mig"))),
            Cell("Console.WriteLine(1);"));
        Assert.Equal((0, ""), (exit, output));
    }

    [Fact]
    public void Should_NameEachProblem_When_FiguresCameBackAsHtmlOrValuesAreEmpty()
    {
        var (exit, output) = Check(
            Cell("display(Figures.DrawCurves(\"loss\", \"nats\", series));", Display(("text/html", $"<img src=\"data:image/png;base64,{Png}\"/>"))),
            Cell("foreach (var figure in ExperimentFigures.Evolve(result).Values) display(figure);", Display(("image/png", "aGVsbG8="))),
            Cell("display(new { result.GenerationsToBeatEncoder });", Display(("text/html", "<table><tr><td>GenerationsToBeatEncoder</td><td></td></tr></table>"))),
            Cell("display(\"\");", Display(("text/plain", ""))),
            Cell("display(new { Nll = 1.5, result.GenerationsToBeatEncoder });",
                Display(("text/html", "<details><summary><code>{ Nll = 1.5, GenerationsToBeatEncoder =  }</code></summary></details>"))));
        Assert.Equal(1, exit);
        Assert.Equal(new[]
        {
            "cell 1 shows a figure but has no image/png output",
            "cell 1 has an image only as an HTML data URI",
            "cell 2 has an image/png output that is not a PNG",
            "cell 3 displays a table with an empty cell",
            "cell 4 displays an empty value",
            "cell 5 displays an object with an empty member",
        }, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToArray());
    }

    private static JsonObject Cell(string source, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code",
        ["metadata"] = new JsonObject(),
        ["source"] = source,
        ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()),
    };

    private static JsonObject Display(params (string Mime, string Value)[] data)
    {
        var bundle = new JsonObject();
        foreach (var (mime, value) in data) bundle[mime] = value;
        return new JsonObject { ["output_type"] = "display_data", ["data"] = bundle, ["metadata"] = new JsonObject() };
    }

    private static (int Exit, string Output) Check(params JsonObject[] cells)
    {
        Assert.SkipUnless(OnPath("python3"), "python3 is not installed");
        string notebook = Path.Combine(Path.GetTempPath(), $"check-{Guid.NewGuid():N}.ipynb");
        try
        {
            var cellArray = new JsonArray(cells.Select(c => (JsonNode)c).ToArray());
            // The feed cell execute.sh adds first is not counted.
            cellArray.Insert(0, new JsonObject { ["cell_type"] = "code", ["id"] = "local-feed", ["source"] = "#i \"nuget: /feed\"", ["outputs"] = new JsonArray() });
            File.WriteAllText(notebook, new JsonObject { ["cells"] = cellArray, ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString());
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { Path.Combine(RepoRoot(), "notebooks", "jupyter", "prepare.py"), "--check", notebook }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Replace("\r\n", "\n"));
        }
        finally
        {
            File.Delete(notebook);
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("GenomicCode.sln not found above " + AppContext.BaseDirectory);
    }
}
