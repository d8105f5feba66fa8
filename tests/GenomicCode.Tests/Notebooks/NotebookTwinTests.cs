using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenomicCode.Tests.Notebooks;

/// <summary>
/// The notebooks in notebooks/ and their file-based twins (NN-name.ipynb and NN-name.cs) must hold the same cells:
/// every code cell of the notebook equals the twin's code between its '// ---- code ----' markers (the notebook's first
/// cell adds the two #r lines), and every markdown cell equals the twin's comment block. Notebooks are committed
/// without outputs, with the .NET Interactive C# kernelspec, and define no types of their own.
/// </summary>
public class NotebookTwinTests
{
    private static readonly string[] Header = { "#r \"nuget: GenomicCode.Interactive, *-*\"", "#r \"nuget: TorchSharp-cpu, 0.107.0\"" };

    public static TheoryData<string> Notebooks() => new(NotebookNames());

    private static string[] NotebookNames() => Directory.GetFiles(Path.Combine(RepoRoot(), "notebooks"), "*.ipynb")
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Should_ShipFiveNotebooks_When_TheRepositoryIsCheckedOut()
    {
        Assert.Equal(new[] { "01-quickstart", "02-disentanglement", "03-development", "04-evolution", "05-dna" }, NotebookNames());
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Should_HoldTheTwinsCells_When_ComparedCellByCell(string name)
    {
        // Given a notebook and its twin
        string folder = Path.Combine(RepoRoot(), "notebooks");
        var notebook = NotebookCells(File.ReadAllText(Path.Combine(folder, name + ".ipynb")));
        var twin = TwinCells(File.ReadAllText(Path.Combine(folder, name + ".cs")));

        // When the notebook's first code cell is stripped of its package lines
        int first = notebook.FindIndex(c => c.Kind == "code");
        Assert.True(first >= 0, "the notebook has no code cell");
        var firstLines = notebook[first].Source.Split('\n');
        Assert.Equal(Header, firstLines.Take(2).ToArray());
        notebook[first] = ("code", string.Join('\n', firstLines.Skip(2)).Trim('\n'));

        // Then the cells match one for one
        Assert.Equal(twin.Count, notebook.Count);
        for (int i = 0; i < twin.Count; i++)
        {
            Assert.Equal(twin[i].Kind, notebook[i].Kind);
            Assert.Equal(twin[i].Source, notebook[i].Source);
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Should_BeCommittedClearedWithTheCSharpKernel_When_Stored(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "notebooks", name + ".ipynb")));
        var root = doc.RootElement;
        var kernel = root.GetProperty("metadata").GetProperty("kernelspec");
        Assert.Equal(".net-csharp", kernel.GetProperty("name").GetString());
        Assert.Equal("C#", kernel.GetProperty("language").GetString());
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        foreach (var cell in root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
            string source = Source(cell);
            Assert.DoesNotMatch(new Regex(@"^\s*(public |internal |private |static |sealed |abstract )*(class|record|struct|interface|enum)\s", RegexOptions.Multiline), source);
        }
    }

    private static List<(string Kind, string Source)> NotebookCells(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("cells").EnumerateArray()
            .Select(c => (c.GetProperty("cell_type").GetString()!, Source(c).Trim('\n'))).ToList();
    }

    private static string Source(JsonElement cell)
    {
        var source = cell.GetProperty("source");
        return source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString()!;
    }

    /// <summary>Cells of a twin: text between the markers, up to '// ---- twin only ----'; markdown loses its '// ' prefix.</summary>
    private static List<(string Kind, string Source)> TwinCells(string text)
    {
        text = text.Replace("\r\n", "\n").Split("// ---- twin only ----")[0];
        var parts = Regex.Split(text, @"^// ---- (markdown|code) ----\n", RegexOptions.Multiline);
        var cells = new List<(string, string)>();
        for (int i = 1; i + 1 < parts.Length; i += 2)
        {
            var lines = parts[i + 1].Trim('\n').Split('\n');
            if (parts[i] == "markdown")
                lines = lines.Select(l => l.StartsWith("// ", StringComparison.Ordinal) ? l[3..] : l.StartsWith("//", StringComparison.Ordinal) ? l[2..] : l).ToArray();
            cells.Add((parts[i], string.Join('\n', lines).Trim('\n')));
        }
        return cells;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("GenomicCode.sln not found above " + AppContext.BaseDirectory);
    }
}
