using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using GenomicCode.Core;
using GenomicCode.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GenomicCode.Gpu;

/// <summary>One accelerator ILGPU can see.</summary>
/// <param name="Kind"><c>cuda</c> or <c>cpu</c>.</param>
/// <param name="Name">Device name.</param>
/// <param name="MemoryBytes">Device memory (the CPU accelerator reports its address-space limit).</param>
/// <param name="MaxThreadsPerGroup">Largest thread group.</param>
/// <param name="MaxSharedMemoryPerGroup">Shared memory per group, bytes.</param>
/// <param name="Detail">Architecture and driver (CUDA), or how the CPU accelerator runs.</param>
public sealed record AcceleratorInfo(string Kind, string Name, long MemoryBytes, int MaxThreadsPerGroup, long MaxSharedMemoryPerGroup, string Detail);

/// <summary>
/// ILGPU contexts and accelerators for GenomicCode's kernels: the CUDA GPUs the NVIDIA driver exposes, and ILGPU's CPU
/// accelerator (runs the same kernels, one emulated thread after another: for tests and reference results, not speed).
/// </summary>
public static class GpuDevices
{
    private static int resolverInstalled;

    /// <summary>
    /// Lets ILGPU find the CUDA driver on Linux: it asks for <c>libcuda.so</c>, which only the CUDA toolkit's development
    /// files provide; drivers ship <c>libcuda.so.1</c>. Installs a native-library resolver (once) that answers ILGPU's
    /// request with <c>libcuda.so.1</c> when the plain name is missing (from the loader's search path, then from the
    /// folders drivers and containers use).
    /// </summary>
    public static void InstallCudaResolver()
    {
        if (Interlocked.Exchange(ref resolverInstalled, 1) == 1) return;
        var ilgpu = typeof(Context).Assembly;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (assembly, name) => ResolveCuda(assembly, name, ilgpu);
    }

    /// <summary>Where drivers put <c>libcuda.so.1</c> when the loader's search path does not reach it (containers).</summary>
    private static readonly string[] CudaLocations =
    {
        "libcuda.so.1", "/usr/local/nvidia/lib64/libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
        "/usr/lib64/libcuda.so.1", "/usr/lib/aarch64-linux-gnu/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1",
    };

    private static IntPtr ResolveCuda(Assembly assembly, string name, Assembly ilgpu)
    {
        if (assembly != ilgpu || !OperatingSystem.IsLinux()) return IntPtr.Zero;
        if (name is not ("cuda" or "libcuda" or "libcuda.so")) return IntPtr.Zero;
        foreach (string candidate in CudaLocations)
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>A context with the CUDA devices (if a driver is present), one CPU device and ILGPU.Algorithms' math.</summary>
    public static Context CreateContext()
    {
        InstallCudaResolver();
        return Context.Create(b => b.DefaultCPU().Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
    }

    /// <summary>The accelerators ILGPU sees, CUDA devices first; an empty CUDA list where no driver is installed.</summary>
    public static IReadOnlyList<AcceleratorInfo> List()
    {
        using var context = CreateContext();
        var list = new List<AcceleratorInfo>();
        foreach (var device in context.Devices.OrderBy(d => d.AcceleratorType == AcceleratorType.Cuda ? 0 : 1))
        {
            string detail = device switch
            {
                CudaDevice cuda => $"{cuda.Architecture}, PTX {cuda.InstructionSet}, driver {cuda.DriverVersion}",
                CPUDevice => "runs kernels sequentially on the host (tests and reference results)",
                _ => device.AcceleratorType.ToString(),
            };
            list.Add(new AcceleratorInfo(Kind(device), device.Name, device.MemorySize, device.MaxNumThreadsPerGroup, device.MaxSharedMemoryPerGroup, detail));
        }
        return list;
    }

    /// <summary>
    /// An accelerator by name: <c>cuda</c> (the first CUDA GPU), <c>cuda:N</c>, <c>cpu</c> (the CPU accelerator) or
    /// <c>auto</c> (CUDA when present, else CPU). Dispose the accelerator, then the context. An unknown or unavailable
    /// name throws a one-line <see cref="UserInputException"/>.
    /// </summary>
    public static (Context Context, Accelerator Accelerator) Open(string name)
    {
        string n = (name ?? "auto").Trim().ToLowerInvariant();
        if (n is not ("auto" or "cpu" or "cuda") && !n.StartsWith("cuda:", StringComparison.Ordinal))
            throw new UserInputException($"unknown accelerator '{name}'; use cpu, cuda, cuda:N or auto.");
        var context = CreateContext();
        try
        {
            var cudas = context.GetCudaDevices();
            if (n == "cpu" || (n == "auto" && cudas.Count == 0))
                return (context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Sequential));
            int index = n.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(n[5..], out int i) ? i : 0;
            if (index < 0 || index >= cudas.Count)
                throw new UserInputException(cudas.Count == 0
                    ? $"accelerator '{name}': ILGPU sees no CUDA GPU (no NVIDIA driver, or libcuda.so.1 not found); use cpu."
                    : $"accelerator '{name}': ILGPU sees {cudas.Count} CUDA GPU(s), 0..{cudas.Count - 1}.");
            return (context, context.CreateCudaAccelerator(index));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary><c>cuda</c>, <c>cpu</c>, or ILGPU's own name of another kind.</summary>
    public static string Kind(Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.CPU => "cpu",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary><c>cuda</c> or <c>cpu</c> for an accelerator.</summary>
    public static string Kind(Accelerator accelerator) => accelerator.AcceleratorType switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.CPU => "cpu",
        var other => other.ToString().ToLowerInvariant(),
    };
}
