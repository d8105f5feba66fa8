using GenomicCode.Core;
using Microsoft.DotNet.Interactive;

namespace GenomicCode.Interactive;

/// <summary>
/// Loaded by .NET Interactive after <c>#r "nuget: GenomicCode.Interactive"</c> (the assembly sits in the package's
/// interactive-extensions/dotnet folder). Registers the formatters (<see cref="NotebookFormatters"/>), sets the malloc
/// policy, and prepares TorchSharp's natives for a notebook on Linux (<see cref="NuGetCacheNatives"/>). Reference
/// TorchSharp-cpu in the same cell, and call torch only in later cells.
/// </summary>
public sealed class GenomicCodeKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Kernel kernel)
    {
        NotebookFormatters.Register();
        NativeRuntime.ConfigureMalloc();
        string natives;
        try
        {
            var report = NuGetCacheNatives.PrepareForThisProcess();
            natives = report is null
                ? "TorchSharp natives: left to TorchSharp (not loaded from a NuGet cache on Linux x64)"
                : $"TorchSharp natives: {report.Layout.ConsolidatedDirectory} ({report.Patch}, {report.Linked.Count} files added, " +
                  $"{report.Preloaded.Count} preloaded)";
        }
        catch (UserInputException e)
        {
            // libtorch is not restored yet: say how to fix it instead of failing the cell.
            natives = e.Message + " Then call GenomicCode.Core.NuGetCacheNatives.PrepareForThisProcess() before the first torch call";
        }
        if (KernelInvocationContext.Current is { } context)
        {
            KernelInvocationContextExtensions.Display(context,
                $"GenomicCode {NativeRuntime.LibraryVersion}: formatters registered; {natives}.", "text/plain");
        }
        return Task.CompletedTask;
    }
}
