using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace GenomicCode.Core;

/// <summary>
/// Start-up helpers for the native side: a load check that turns TorchSharp's misleading native-load failures into
/// one line naming the missing library and the fix, and the malloc policy that keeps libtorch fast on Linux.
/// </summary>
public static class NativeRuntime
{
    private static readonly object Gate = new();
    private static bool loaded;
    private static bool mallocConfigured;

    /// <summary>The malloc settings applied by <see cref="ConfigureMalloc"/>, for the environment record.</summary>
    public static string MallocPolicy { get; private set; } = "default";

    /// <summary>
    /// Loads TorchSharp's native libraries once, or throws <see cref="UserInputException"/> with one line that names the
    /// library that failed and how to fix it (instead of a TypeInitializationException).
    /// </summary>
    public static void EnsureLoaded()
    {
        if (loaded) return;
        lock (Gate)
        {
            if (loaded) return;
            // TorchSharp prints a long trace to the console when its native load fails; keep it out of the user's
            // terminal and give one line instead.
            var (stdout, stderr) = (Console.Out, Console.Error);
            var trace = new StringWriter();
            try
            {
                Console.SetOut(trace);
                Console.SetError(trace);
                using var probe = torch.zeros(1);
                loaded = true;
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
                throw new UserInputException(Diagnose(e));
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        }
    }

    /// <summary>Explains a native-load failure in one line; public so front ends can show it on demand.</summary>
    public static string Diagnose(Exception failure)
    {
        string? lib = FindTorchSharpNative();
        if (lib is null)
        {
            return "TorchSharp's native library (libLibTorchSharp) is not in the output folder: reference a backend package " +
                   "(TorchSharp-cpu, or TorchSharp plus libtorch-cpu-linux-x64) in the application project.";
        }
        if (!OperatingSystem.IsLinux()) return $"TorchSharp failed to load its native library {lib}: {Innermost(failure).Message}";
        try
        {
            // dlopen gives the real reason (a missing symbol version or dependency) that TorchSharp hides.
            IntPtr h = NativeLibrary.Load(lib);
            NativeLibrary.Free(h);
        }
        catch (Exception e)
        {
            string reason = e.Message.ReplaceLineEndings(" ").Trim();
            if (reason.Contains(ElfVersionPatcher.TorchSharpGlibcxxVersion, StringComparison.Ordinal))
            {
                return $"TorchSharp cannot load {lib}: this system's libstdc++ lacks {ElfVersionPatcher.TorchSharpGlibcxxVersion}. " +
                       "Fix: rebuild with the GenomicCode build targets (they weak-mark that unused version need), or run " +
                       "`genomic-code info --fix-native` once.";
            }
            return $"TorchSharp cannot load its native library: {reason}. Fix: install the missing library, or reference libtorch for this OS.";
        }
        string libtorch = Path.Combine(Path.GetDirectoryName(lib)!, OperatingSystem.IsLinux() ? "libtorch.so" : "torch");
        return $"TorchSharp failed to initialise ({Innermost(failure).Message.ReplaceLineEndings(" ")}); check that libtorch " +
               $"{torch.__version__} for this OS sits next to {lib} (expected {libtorch}).";
    }

    /// <summary>Weak-marks the GLIBCXX_3.4.32 version need of the TorchSharp native library that this process would load.</summary>
    /// <returns>The library path and what was done, or null when no library was found.</returns>
    public static (string Path, ElfPatchResult Result)? FixNativeLibrary()
    {
        string? lib = FindTorchSharpNative();
        if (lib is null) return null;
        return (lib, ElfVersionPatcher.MarkVersionNeedWeak(lib, ElfVersionPatcher.TorchSharpGlibcxxVersion));
    }

    /// <summary>Path of the libLibTorchSharp that the loader would pick from this application's folder, if any.</summary>
    public static string? FindTorchSharpNative()
    {
        string baseDir = AppContext.BaseDirectory;
        string file = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        string rid = RuntimeInformation.RuntimeIdentifier;
        string[] candidates =
        {
            Path.Combine(baseDir, file),
            Path.Combine(baseDir, "runtimes", rid, "native", file),
            Path.Combine(baseDir, "runtimes", OperatingSystem.IsLinux() ? "linux-x64" : rid, "native", file),
            Path.Combine(baseDir, "cpu", file),
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// On Linux with glibc, keeps freed memory in the process instead of returning it to the kernel on every step:
    /// M_MMAP_THRESHOLD 256 MiB, M_TRIM_THRESHOLD 1 GiB, M_TOP_PAD 64 MiB (mallopt(3)). All three are set together: any
    /// one of them switches off glibc's dynamic mmap threshold, and the trim threshold alone was measured to slow a
    /// cellular-automaton step 15-20x. Variables already set in the environment (MALLOC_*_) win. Safe to call twice.
    /// </summary>
    /// <returns>True when the policy was applied.</returns>
    public static bool ConfigureMalloc()
    {
        lock (Gate)
        {
            if (mallocConfigured) return MallocPolicy != "default";
            mallocConfigured = true;
            if (!OperatingSystem.IsLinux()) return false;
            if (Environment.GetEnvironmentVariable("GENOMICCODE_MALLOC") == "default") return false;
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null)
            {
                MallocPolicy = "environment";
                return true;
            }
            try
            {
                bool ok = Mallopt(MmapThreshold, 256 << 20) == 1;
                ok &= Mallopt(TrimThreshold, 1 << 30) == 1;
                ok &= Mallopt(TopPad, 64 << 20) == 1;
                MallocPolicy = ok ? "mmap_threshold=256MiB,trim_threshold=1GiB,top_pad=64MiB" : "default";
                return ok;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false; // not glibc (musl): keep the default allocator
            }
        }
    }

    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD, malloc.h
    private const int TopPad = -2;        // M_TOP_PAD
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    /// <summary>Version of the GenomicCode library.</summary>
    public static string LibraryVersion =>
        typeof(NativeRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
