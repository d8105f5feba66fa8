using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace GenomicCode.Notebooks.Runner;

/// <summary>What one code cell showed.</summary>
/// <param name="Number">1-based position of the cell in the notebook (markdown cells count, as in the editor).</param>
/// <param name="Outputs">Every formatted value the cell displayed or returned (all mime types).</param>
/// <param name="Seconds">How long the cell ran, in seconds.</param>
public sealed record CellRun(int Number, IReadOnlyList<string> Outputs, double Seconds);

/// <summary>A notebook cell failed: compile error or exception.</summary>
public sealed class NotebookCellFailedException(string message) : Exception(message);

/// <summary>
/// Runs a .ipynb headless in an in-process C# kernel, cell by cell, as a notebook host would: #r "nuget:" restores
/// through the package manager, and packages with an interactive-extensions/dotnet folder get their
/// <see cref="IKernelExtension"/>s loaded after the cell that referenced them (as dotnet-interactive does; their
/// dependencies resolve through the C# kernel's script assembly loader, as in the real host: no resolver of our own).
/// </summary>
public static partial class NotebookRunner
{
    private static readonly KernelInfoCollection KernelInfos = new() { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#"]) };

    /// <summary>Points every <c>#r "nuget: GenomicCode..."</c> at <paramref name="version"/>, whatever version it asked for.</summary>
    public static string PinGenomicCodeReferences(string code, string version) =>
        GenomicCodeReference().Replace(code, m => $"{m.Groups[1].Value}{m.Groups[2].Value}, {version}\"");

    [GeneratedRegex("""(#r\s+"nuget:\s*)(GenomicCode(?:\.[A-Za-z0-9]+)*)\s*(?:,[^"]*)?"(?=\s*$)""", RegexOptions.Multiline)]
    private static partial Regex GenomicCodeReference();

    /// <summary>
    /// Runs every C# cell of <paramref name="notebookPath"/> after adding <paramref name="feed"/> (if any) as a package source and
    /// pinning GenomicCode* references to <paramref name="version"/> (if any). Throws <see cref="NotebookCellFailedException"/>
    /// naming the notebook, the cell number and the error at the first failing cell. <paramref name="onCell"/> hears of
    /// each cell as it finishes.
    /// </summary>
    public static async Task<IReadOnlyList<CellRun>> RunAsync(string notebookPath, string? feed, string? version, CancellationToken cancel,
        Action<CellRun>? onCell = null)
    {
        string name = Path.GetFileName(notebookPath);
        var document = Notebook.Parse(await File.ReadAllTextAsync(notebookPath, cancel), KernelInfos);
        using var kernel = CreateKernel();

        if (feed is not null)
        {
            var source = await kernel.SendAsync(new SubmitCode($"#i \"nuget: {feed}\""), cancel);
            ThrowIfFailed(source, name, 0);
        }

        var runs = new List<CellRun>();
        for (int i = 0; i < document.Elements.Count; i++)
        {
            var cell = document.Elements[i];
            if (cell.KernelName != "csharp" || string.IsNullOrWhiteSpace(cell.Contents)) continue;
            string code = version is null ? cell.Contents : PinGenomicCodeReferences(cell.Contents, version);
            KernelCommandResult result;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                // WaitAsync: a cell stuck in a compute loop does not see the token; stop waiting for it all the same.
                result = await kernel.SendAsync(new SubmitCode(code), cancel).WaitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                throw new NotebookCellFailedException($"{name}: cell {i + 1} failed: it did not finish within the time limit");
            }
            ThrowIfFailed(result, name, i + 1);
            var run = new CellRun(i + 1, result.Events.OfType<DisplayEvent>()
                .SelectMany(e => e.FormattedValues.Select(v => v.Value)).ToArray(), clock.Elapsed.TotalSeconds);
            runs.Add(run);
            onCell?.Invoke(run);
        }
        return runs;
    }

    private static CSharpKernel CreateKernel()
    {
        var added = new System.Collections.Concurrent.ConcurrentQueue<PackageAdded>();
        var kernel = new CSharpKernel().UseNugetDirective((k, references) =>
        {
            k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
            return Task.CompletedTask;
        });
        kernel.UseKernelHelpers();
        // As dotnet-interactive does: once a command that restored packages is done, load their extensions while
        // its context is current (so what they display belongs to that cell).
        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(e => { if (e is PackageAdded p) added.Enqueue(p); }));
        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (added.TryDequeue(out var package)) await LoadExtensionsAsync(kernel, package, context);
        });
        return kernel;
    }

    private static void ThrowIfFailed(KernelCommandResult result, string notebook, int cell)
    {
        var failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
        if (failed is null) return;
        string where = cell == 0 ? "adding the package feed" : $"cell {cell}";
        string message = failed.Message;
        if (failed.Exception is { } e && !message.Contains(e.Message, StringComparison.Ordinal)) message += " " + e.Message;
        throw new NotebookCellFailedException($"{notebook}: {where} failed: {message.Trim()}");
    }

    private static async Task LoadExtensionsAsync(Kernel kernel, PackageAdded added, KernelInvocationContext context)
    {
        string dir = Path.Combine(added.PackageReference.PackageRoot, "interactive-extensions", "dotnet");
        if (!Directory.Exists(dir)) return;
        foreach (string dll in Directory.GetFiles(dir, "*.dll"))
        {
            var assembly = LoadOnce(dll);
            foreach (var type in assembly.ExportedTypes.Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IKernelExtension).IsAssignableFrom(t)))
            {
                try
                {
                    await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(kernel);
                }
                catch (Exception e)
                {
                    context.Fail(context.Command, message: $"kernel extension {type.Name} from {dll} did not load: {e.Message}");
                }
            }
        }
    }

    private static Assembly LoadOnce(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name));
        return loaded ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
