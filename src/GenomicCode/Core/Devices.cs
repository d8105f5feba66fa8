using TorchSharp;

namespace GenomicCode.Core;

/// <summary>Chooses a torch device at run time from a user string, with a clear error when it is not available.</summary>
public static class Devices
{
    /// <summary>
    /// Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (CUDA when available, else CPU) and checks that the
    /// device exists in this process.
    /// </summary>
    public static torch.Device Parse(string? name)
    {
        NativeRuntime.EnsureLoaded();
        string n = (name ?? "auto").Trim().ToLowerInvariant();
        if (n == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (n == "cpu") return torch.CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (n.Length > 4 && !int.TryParse(n.AsSpan(5), out index))
                throw new UserInputException($"unknown device '{name}'; use cpu, cuda, cuda:N or auto.");
            if (!torch.cuda.is_available())
                throw new UserInputException($"device '{name}' is not available: this TorchSharp build has no CUDA (or no GPU is visible); " +
                                             "use --device cpu, or build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU.");
            int count = torch.cuda.device_count();
            if (index < 0 || index >= count)
                throw new UserInputException($"device '{name}' is not available: {count} CUDA device(s) visible (cuda:0..cuda:{count - 1}).");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new UserInputException($"unknown device '{name}'; use cpu, cuda, cuda:N or auto.");
    }
}
