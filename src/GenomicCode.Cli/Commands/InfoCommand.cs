using System.ComponentModel;
using GenomicCode.Core;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code info</c>.</summary>
public sealed class InfoSettings : CommandSettings
{
    /// <summary>Weak-mark the unused GLIBCXX_3.4.32 need of the TorchSharp native library next to the tool.</summary>
    [CommandOption("--fix-native")]
    [Description("Repair TorchSharp loading on Debian 12 / Ubuntu 22.04 by weak-marking its unused GLIBCXX_3.4.32 need (in this tool's folder).")]
    public bool FixNative { get; init; }
}

/// <summary><c>genomic-code info</c>: versions, device, threads, CUDA availability, and the accelerators ILGPU sees.</summary>
public sealed class InfoCommand : Command<InfoSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public InfoCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, InfoSettings settings, CancellationToken cancellationToken)
    {
        if (settings.FixNative)
        {
            var fixedLib = NativeRuntime.FixNativeLibrary()
                ?? throw new UserInputException("no TorchSharp native library found next to genomic-code; reinstall the tool.");
            console.MarkupLine($"native fix: {Markup.Escape(fixedLib.Path)}: {fixedLib.Result}");
        }
        var table = new Table().AddColumn("item").AddColumn("value").HideHeaders().Border(TableBorder.Rounded);
#if NO_LIBTORCH
        table.AddRow("GenomicCode", NativeRuntime.LibraryVersion);
        table.AddRow("TorchSharp", "not in this build (TorchBackend=none): only the ILGPU commands run");
        table.AddRow(".NET", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        table.AddRow("OS", Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.OSDescription));
        table.AddRow("processors", Environment.ProcessorCount.ToString());
#else
        NativeRuntime.EnsureLoaded();
        var env = EnvironmentInfo.Capture(torch.CPU);
        table.AddRow("GenomicCode", env.GenomicCode);
        table.AddRow("TorchSharp", env.TorchSharp);
        table.AddRow(".NET", env.Dotnet);
        table.AddRow("OS", Markup.Escape(env.Os));
        table.AddRow("processors", env.ProcessorCount.ToString());
        table.AddRow("torch threads", env.TorchThreads.ToString());
        table.AddRow("CUDA available", env.CudaAvailable ? $"yes ({env.CudaDevices} device(s))" : "no");
        table.AddRow("default device", env.CudaAvailable ? "cuda" : "cpu");
        table.AddRow("malloc policy", env.MallocPolicy);
        table.AddRow("native library", Markup.Escape(NativeRuntime.FindTorchSharpNative() ?? "(not found)"));
#endif
        AddAccelerators(table);
        console.Write(table);
        return 0;
    }

    /// <summary>One row per accelerator ILGPU sees (CUDA GPUs, the CPU accelerator); an ILGPU failure is shown, not thrown.</summary>
    private static void AddAccelerators(Table table)
    {
        IReadOnlyList<GenomicCode.Gpu.AcceleratorInfo> accelerators;
        try
        {
            accelerators = GenomicCode.Gpu.GpuDevices.List();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            table.AddRow("ILGPU accelerators", Markup.Escape($"none ({e.GetType().Name}: {e.Message})"));
            return;
        }
        if (accelerators.All(a => a.Kind != "cuda"))
            table.AddRow("ILGPU CUDA", "no CUDA GPU seen (no NVIDIA driver, or libcuda.so.1 missing)");
        foreach (var a in accelerators)
            table.AddRow($"ILGPU {a.Kind}", Markup.Escape(a.Kind == "cpu" ? $"{a.Name}: {a.Detail}"
                : $"{a.Name}: {a.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {a.MaxThreadsPerGroup} threads/group, {a.MaxSharedMemoryPerGroup / 1024} KiB shared/group; {a.Detail}"));
    }
}
