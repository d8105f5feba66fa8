using GenomicCode.Core;
using Microsoft.DotNet.Interactive;

namespace GenomicCode.Interactive;

/// <summary>
/// Loaded by .NET Interactive after <c>#r "nuget: GenomicCode.Interactive"</c> (the assembly sits in the package's
/// interactive-extensions/dotnet folder). Prepares TorchSharp's natives for a notebook on Linux
/// (<see cref="NuGetCacheNatives"/>), sets the malloc policy, and registers the formatters (<see cref="NotebookFormatters"/>).
/// Put the <c>#r</c> lines in a cell of their own, before any cell that calls torch.
/// </summary>
public sealed class GenomicCodeKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Kernel kernel)
    {
        var report = NuGetCacheNatives.PrepareForThisProcess();
        NativeRuntime.ConfigureMalloc();
        NotebookFormatters.Register();
        string natives = report is null
            ? "TorchSharp natives: loaded by TorchSharp itself"
            : $"TorchSharp natives: {report.Layout.ConsolidatedDirectory} ({report.Patch}, {report.Linked.Count} files added)";
        if (KernelInvocationContext.Current is { } context)
        {
            KernelInvocationContextExtensions.Display(context, $"GenomicCode {NativeRuntime.LibraryVersion}: formatters registered; {natives}.", "text/plain");
        }
        return Task.CompletedTask;
    }
}
