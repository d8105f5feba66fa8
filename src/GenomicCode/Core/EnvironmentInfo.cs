using System.Runtime.InteropServices;
using TorchSharp;

namespace GenomicCode.Core;

/// <summary>What a run ran on: versions, device, threads, malloc policy. Written to environment.json.</summary>
/// <param name="GenomicCode">GenomicCode library version.</param>
/// <param name="TorchSharp">TorchSharp assembly version.</param>
/// <param name="Dotnet">.NET runtime description.</param>
/// <param name="Os">Operating system description.</param>
/// <param name="ProcessorCount">Logical processors.</param>
/// <param name="TorchThreads">libtorch intra-op threads.</param>
/// <param name="Device">The device in use.</param>
/// <param name="CudaAvailable">Whether CUDA is available to this process.</param>
/// <param name="CudaDevices">Number of CUDA devices.</param>
/// <param name="MallocPolicy">The glibc malloc settings in force.</param>
/// <param name="StartedUtc">When the record was made.</param>
public sealed record EnvironmentInfo(
    string GenomicCode,
    string TorchSharp,
    string Dotnet,
    string Os,
    int ProcessorCount,
    int TorchThreads,
    string Device,
    bool CudaAvailable,
    int CudaDevices,
    string MallocPolicy,
    DateTime StartedUtc)
{
    /// <summary>Reads the current process's environment; loads TorchSharp (with a one-line error if it cannot).</summary>
    public static EnvironmentInfo Capture(torch.Device device)
    {
        NativeRuntime.EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        return new EnvironmentInfo(
            NativeRuntime.LibraryVersion,
            typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            Environment.ProcessorCount,
            torch.get_num_threads(),
            device.ToString(),
            cuda,
            cuda ? torch.cuda.device_count() : 0,
            NativeRuntime.MallocPolicy,
            DateTime.UtcNow);
    }
}
