using System.Text;
using System.Text.RegularExpressions;

namespace GenomicCode.Tests;

/// <summary>
/// The namespaces of src/ form layers without cycles: a file's namespace depends on every GenomicCode namespace it names
/// in a <c>using</c> directive or in a fully qualified reference (<c>GenomicCode.X.Y</c>) outside comments and strings.
/// </summary>
public partial class NamespaceLayerTests
{
    [Fact]
    public void Should_HaveNoNamespaceCycle_When_ReadingTheUsingsOfSrc()
    {
        string src = Path.Combine(RepoRoot(), "src");
        var graph = ReadGraph(src);
        Assert.Contains("GenomicCode.Models", graph.Keys);           // the scan found the library
        Assert.Contains("GenomicCode.Core", graph["GenomicCode.Models"].Keys);
        var cycles = Cycles(graph.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value.Keys));
        Assert.True(cycles.Count == 0, "namespace cycles in src/: " + string.Join("; ", cycles.Select(c => Describe(c, graph))));
    }

    [Fact]
    public void Should_NameTheCycle_When_TwoNamespacesUseEachOther()
    {
        var graph = new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["A"] = new[] { "B" }, ["B"] = new[] { "C" }, ["C"] = new[] { "A", "D" }, ["D"] = Array.Empty<string>(), ["E"] = new[] { "E2" }, ["E2"] = new[] { "D" },
        };
        var cycles = Cycles(graph);
        Assert.Single(cycles);
        Assert.Equal(new[] { "A", "B", "C", "A" }, cycles[0]);
    }

    [Fact]
    public void Should_SeeUsingsAndQualifiedNamesButNotCommentsOrStrings_When_ScanningAFile()
    {
        const string code = """
            using GenomicCode.Core;
            using static GenomicCode.Numerics.ScalarMath;
            using Alias = GenomicCode.Data.SpritesWorld;
            namespace GenomicCode.Models;
            /// <see cref="GenomicCode.Training.Trainer"/>
            // GenomicCode.Runs.Preset
            public class X { string s = "GenomicCode.Experiments.Y"; object d = new GenomicCode.Development.ConvDecoder(1, (1, 16, 16)); }
            """;
        var (ns, used) = Scan(code);
        Assert.Equal("GenomicCode.Models", ns);
        Assert.Equal(new[] { "GenomicCode.Core", "GenomicCode.Data.SpritesWorld", "GenomicCode.Development.ConvDecoder", "GenomicCode.Numerics.ScalarMath" }, used.Order());
    }

    /// <summary>Namespace -> namespaces it uses -> the files that use them.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> ReadGraph(string src)
    {
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Select(f => (File: Path.GetRelativePath(src, f), Scan: Scan(File.ReadAllText(f))))
            .Where(f => f.Scan.Namespace is not null)
            .ToList();
        var namespaces = files.Select(f => f.Scan.Namespace!).ToHashSet();
        var graph = namespaces.ToDictionary(n => n, _ => new Dictionary<string, List<string>>());
        foreach (var (file, (ns, used)) in files)
            foreach (string reference in used)
            {
                // The longest declared namespace the name starts with: GenomicCode.Data.SpritesWorld -> GenomicCode.Data.
                string? target = namespaces.Where(n => reference == n || reference.StartsWith(n + ".", StringComparison.Ordinal)).MaxBy(n => n.Length);
                if (target is null || target == ns) continue;
                if (!graph[ns!].TryGetValue(target, out var by)) graph[ns!][target] = by = new List<string>();
                by.Add(file);
            }
        return graph;
    }

    /// <summary>The file's namespace and the GenomicCode names it uses, comments and string literals removed.</summary>
    private static (string? Namespace, IReadOnlyCollection<string> Used) Scan(string code)
    {
        string clean = StripCommentsAndStrings(code);
        string? ns = NamespacePattern().Match(clean) is { Success: true } m ? m.Groups[1].Value : null;
        var used = new HashSet<string>();
        foreach (Match u in UsingPattern().Matches(clean)) used.Add(u.Groups[1].Value);
        foreach (Match q in QualifiedPattern().Matches(clean))
            if (!clean[..q.Index].TrimEnd().EndsWith("namespace", StringComparison.Ordinal)) used.Add(q.Groups[1].Value);
        used.RemoveWhere(u => u == ns);
        return (ns, used);
    }

    private static string StripCommentsAndStrings(string code)
    {
        var sb = new StringBuilder(code.Length);
        int i = 0;
        while (i < code.Length)
        {
            if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '/') { while (i < code.Length && code[i] != '\n') i++; continue; }
            if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '*') { int end = code.IndexOf("*/", i + 2, StringComparison.Ordinal); i = end < 0 ? code.Length : end + 2; continue; }
            if (code[i] == '"')
            {
                int quotes = 0;
                while (i + quotes < code.Length && code[i + quotes] == '"') quotes++;
                if (quotes >= 3)
                {
                    string fence = new('"', quotes);
                    int end = code.IndexOf(fence, i + quotes, StringComparison.Ordinal);
                    i = end < 0 ? code.Length : end + quotes;
                    sb.Append("\"\"");
                    continue;
                }
                bool verbatim = i > 0 && code[i - 1] == '@' || i > 1 && code[i - 1] == '$' && code[i - 2] == '@';
                i++;
                while (i < code.Length)
                {
                    if (!verbatim && code[i] == '\\') { i += 2; continue; }
                    if (code[i] == '"') { if (verbatim && i + 1 < code.Length && code[i + 1] == '"') { i += 2; continue; } i++; break; }
                    i++;
                }
                sb.Append("\"\"");
                continue;
            }
            if (code[i] == '\'' && i + 2 < code.Length)
            {
                int end = code[i + 1] == '\\' ? code.IndexOf('\'', i + 3) : i + 2;
                if (end > 0 && end < code.Length && code[end] == '\'') { i = end + 1; sb.Append("' '"); continue; }
            }
            sb.Append(code[i]);
            i++;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^\s*namespace\s+([A-Za-z_][\w.]*)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(GenomicCode(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();

    [GeneratedRegex(@"(?<![\w.])(GenomicCode(?:\.\w+)+)")]
    private static partial Regex QualifiedPattern();

    /// <summary>Every cycle among the strongly connected components of a graph, one each, as a path that returns to its start.</summary>
    private static List<string[]> Cycles(IReadOnlyDictionary<string, IReadOnlyCollection<string>> graph)
    {
        // Tarjan's strongly connected components.
        int index = 0;
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();
        IEnumerable<string> Next(string n) => graph.TryGetValue(n, out var e) ? e.Where(graph.ContainsKey) : Array.Empty<string>();
        void Visit(string n)
        {
            indices[n] = low[n] = index++;
            stack.Push(n);
            onStack.Add(n);
            foreach (string m in Next(n))
            {
                if (!indices.ContainsKey(m)) { Visit(m); low[n] = Math.Min(low[n], low[m]); }
                else if (onStack.Contains(m)) low[n] = Math.Min(low[n], indices[m]);
            }
            if (low[n] != indices[n]) return;
            var component = new List<string>();
            string top;
            do { top = stack.Pop(); onStack.Remove(top); component.Add(top); } while (top != n);
            if (component.Count > 1) components.Add(component);
        }
        foreach (string n in graph.Keys.Order()) if (!indices.ContainsKey(n)) Visit(n);

        // One concrete cycle per component: from its first name (in order), the shortest way back within the component.
        var cycles = new List<string[]>();
        foreach (var component in components)
        {
            var inside = component.ToHashSet();
            string start = component.Order().First();
            var previous = new Dictionary<string, string>();
            var queue = new Queue<string>(new[] { start });
            string? last = null;
            while (queue.Count > 0 && last is null)
            {
                string n = queue.Dequeue();
                foreach (string m in Next(n).Where(inside.Contains).Order())
                {
                    if (m == start) { last = n; break; }
                    if (previous.TryAdd(m, n)) queue.Enqueue(m);
                }
            }
            var path = new List<string> { start };
            for (string? n = last; n is not null && n != start; n = previous.GetValueOrDefault(n)) path.Insert(1, n);
            path.Add(start);
            cycles.Add(path.ToArray());
        }
        return cycles;
    }

    private static string Describe(string[] cycle, Dictionary<string, Dictionary<string, List<string>>> graph) =>
        string.Join(" -> ", cycle) + " (" + string.Join(", ", cycle.Zip(cycle.Skip(1))
            .Select(e => $"{e.First} uses {e.Second} in {string.Join(", ", graph[e.First][e.Second].Distinct().Take(3))}")) + ")";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("no GenomicCode.sln above the test assembly.");
    }
}
