using System.Reflection;
using GenomicCode.Gpu.Kernels;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GenomicCode.Gpu;

/// <summary>
/// Compiles every kernel of this library to PTX with ILGPU's PTX backend, without a GPU: what the CUDA accelerator does
/// at load time, so a kernel that only breaks the CUDA backend fails here (and in CI) too.
/// </summary>
public static class PtxCompilation
{
    /// <summary>The kernels (name, method, explicitly grouped).</summary>
    public static IReadOnlyList<(string Name, MethodInfo Method, bool Grouped)> Kernels { get; } = new (string, MethodInfo, bool)[]
    {
        ("NcaSeed", Method(typeof(NcaKernels), nameof(NcaKernels.Seed)), false),
        ("NcaCondition", Method(typeof(NcaKernels), nameof(NcaKernels.Condition)), false),
        ("NcaStep", Method(typeof(NcaKernels), nameof(NcaKernels.Step)), true),
        ("Readout", Method(typeof(NcaKernels), nameof(NcaKernels.Readout)), false),
        ("GrnHyperHidden", Method(typeof(GrnKernels), nameof(GrnKernels.HyperHidden)), false),
        ("GrnHyperOut", Method(typeof(GrnKernels), nameof(GrnKernels.HyperOut)), false),
        ("GrnZygote", Method(typeof(GrnKernels), nameof(GrnKernels.Zygote)), false),
        ("GrnStep", Method(typeof(GrnKernels), nameof(GrnKernels.Step)), true),
    };

    /// <summary>
    /// PTX of every kernel for <paramref name="architecture"/> (default sm_90, the H100 / H200) and
    /// <paramref name="instructionSet"/> (default PTX ISA 8.0, CUDA 12.0's; newer drivers take it).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Compile(CudaArchitecture? architecture = null, CudaInstructionSet? instructionSet = null)
    {
        using var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, architecture ?? CudaArchitecture.SM_90, instructionSet ?? CudaInstructionSet.ISA_80, null!);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, method, grouped) in Kernels)
        {
            var entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            result[name] = compiled.PTXAssembly;
        }
        return result;
    }

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(type.Name, name);
}
