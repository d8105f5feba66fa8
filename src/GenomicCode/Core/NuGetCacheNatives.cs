using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace GenomicCode.Core;

/// <summary>
/// Where TorchSharp looks for its native libraries when TorchSharp.dll itself is loaded from the NuGet cache
/// (.NET Interactive notebooks, F# scripts), and the folders it copies them from.
/// </summary>
/// <param name="PackagesDirectory">The NuGet global packages folder.</param>
/// <param name="TorchSharpVersion">TorchSharp's package version (the cache folder name).</param>
/// <param name="ConsolidatedDirectory">The <c>cpu</c> folder beside TorchSharp.dll that TorchSharp loads from.</param>
/// <param name="SourceDirectories">The package folders whose native files belong in <paramref name="ConsolidatedDirectory"/>: libtorch's first, TorchSharp's last.</param>
public sealed record NuGetCacheLayout(string PackagesDirectory, string TorchSharpVersion, string ConsolidatedDirectory,
    IReadOnlyList<string> SourceDirectories);

/// <summary>What <see cref="NuGetCacheNatives.Prepare(NuGetCacheLayout, bool)"/> did.</summary>
/// <param name="Layout">The folders used.</param>
/// <param name="Linked">Native files added to the consolidated folder (linked or copied).</param>
/// <param name="Patch">The outcome of weak-marking TorchSharp's GLIBCXX_3.4.32 need in the consolidated copy.</param>
/// <param name="Preloaded">Full paths of the libraries loaded, in order.</param>
public sealed record NuGetCacheNativesReport(NuGetCacheLayout Layout, IReadOnlyList<string> Linked, ElfPatchResult Patch,
    IReadOnlyList<string> Preloaded);

/// <summary>
/// Makes TorchSharp load inside hosts that load TorchSharp.dll straight from the NuGet cache (notebooks).
/// TorchSharp 0.107 (<c>torch.LoadNativeBackend</c>) first tries <c>torch_cpu</c> and <c>LibTorchSharp</c> by name, which
/// on Linux can pick up a system libtorch (Debian's python3-torch) and never finds LibTorchSharp; it then copies the
/// natives of <c>libtorch-cpu-linux-x64</c> and <c>torchsharp</c> into a <c>cpu</c> folder beside TorchSharp.dll (only
/// files not there yet, never refreshed) and loads <c>cpu/libLibTorchSharp.so</c>, whose GLIBCXX_3.4.32 need fails on
/// Debian 12. <see cref="Prepare(NuGetCacheLayout, bool)"/> builds that folder itself (libtorch files as symbolic links,
/// TorchSharp's library as a patched copy) and loads libc10, libtorch_cpu, libtorch and LibTorchSharp from it by full
/// path, so TorchSharp's by-name loads find these (the loader matches their sonames) before any system copy.
/// </summary>
public static class NuGetCacheNatives
{
    /// <summary>The runtime identifier whose natives are handled (TorchSharp's only Linux CPU package).</summary>
    public const string LinuxRid = "linux-x64";

    /// <summary>Load order: each library's dependencies come before it.</summary>
    public static IReadOnlyList<string> PreloadOrder { get; } = ["libc10.so", "libtorch_cpu.so", "libtorch.so", "libLibTorchSharp.so"];

    // TorchSharp copies files matching ".*\.so(\.\d*)*" (its nativeGlob on Linux).
    private static readonly Regex NativeFile = new(@"\.so(\.\d+)*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The layout TorchSharp uses when <paramref name="torchSharpAssemblyPath"/> lies in a NuGet cache
    /// (<c>.../torchsharp/VERSION/lib/TFM/TorchSharp.dll</c>), or null when it does not (an application's output folder).
    /// </summary>
    /// <param name="torchSharpAssemblyPath">Path of TorchSharp.dll.</param>
    /// <param name="libtorchVersion">The libtorch package version TorchSharp was built for (e.g. 2.10.0).</param>
    public static NuGetCacheLayout? Locate(string torchSharpAssemblyPath, string libtorchVersion)
    {
        string libDir = Path.GetDirectoryName(Path.GetFullPath(torchSharpAssemblyPath))!;
        var tfmDir = new DirectoryInfo(libDir);
        var lib = tfmDir.Parent;
        var versionDir = lib?.Parent;
        var packageDir = versionDir?.Parent;
        var packagesDir = packageDir?.Parent;
        if (lib is null || versionDir is null || packageDir is null || packagesDir is null) return null;
        if (!lib.Name.Equals("lib", StringComparison.OrdinalIgnoreCase)
            || !packageDir.Name.Equals("torchsharp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string libtorchNative = Path.Combine(packagesDir.FullName, "libtorch-cpu-" + LinuxRid, NormalizeVersion(libtorchVersion),
            "runtimes", LinuxRid, "native");
        string torchSharpNative = Path.Combine(versionDir.FullName, "runtimes", LinuxRid, "native");
        return new NuGetCacheLayout(packagesDir.FullName, versionDir.Name, Path.Combine(libDir, "cpu"), [libtorchNative, torchSharpNative]);
    }

    /// <summary>
    /// The layout for the TorchSharp.dll loaded in this process, or null when it is not loaded from a NuGet cache or
    /// this is not Linux x64.
    /// </summary>
    public static NuGetCacheLayout? LocateForThisProcess()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        string location = typeof(torch).Assembly.Location;
        return string.IsNullOrEmpty(location) ? null : Locate(location, TorchSharpLibtorchVersion());
    }

    /// <summary>
    /// The libtorch package version this TorchSharp was built for, as its NuGet cache folder is named (2.10.0.0 -> 2.10.0),
    /// read from TorchSharp's private constant without starting libtorch (falls back to 2.10.0, TorchSharp 0.107's).
    /// </summary>
    public static string TorchSharpLibtorchVersion()
    {
        var field = typeof(torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static);
        return field?.IsLiteral == true && field.GetRawConstantValue() is string v ? NormalizeVersion(v) : "2.10.0";
    }

    /// <summary>
    /// Fills the consolidated folder with every native file of the source folders that is missing or of the wrong size
    /// (libtorch's as symbolic links, TorchSharp's as a copy), weak-marks the GLIBCXX_3.4.32 need of its
    /// libLibTorchSharp.so, and, when <paramref name="preload"/> is set, loads the libraries in <see cref="PreloadOrder"/>
    /// by full path. Throws <see cref="UserInputException"/> when libtorch's package is not restored.
    /// </summary>
    public static NuGetCacheNativesReport Prepare(NuGetCacheLayout layout, bool preload = true)
    {
        string libtorchDir = layout.SourceDirectories[0];
        if (!Directory.Exists(libtorchDir))
        {
            throw new UserInputException($"libtorch's native files are not in the NuGet cache ({libtorchDir}): reference the backend " +
                                         $"package first, e.g. #r \"nuget: TorchSharp-cpu, {layout.TorchSharpVersion}\".");
        }
        Directory.CreateDirectory(layout.ConsolidatedDirectory);
        var linked = new List<string>();
        foreach (string source in layout.SourceDirectories.Where(Directory.Exists))
        {
            bool copy = source == layout.SourceDirectories[^1]; // TorchSharp's own library gets patched: never link it
            foreach (string file in Directory.GetFiles(source).Where(f => NativeFile.IsMatch(f)).Order(StringComparer.Ordinal))
            {
                string target = Path.Combine(layout.ConsolidatedDirectory, Path.GetFileName(file));
                if (IsUsable(target, file, copy)) continue;
                Place(file, target, copy);
                linked.Add(target);
            }
        }
        string native = Path.Combine(layout.ConsolidatedDirectory, "libLibTorchSharp.so");
        var patch = File.Exists(native)
            ? ElfVersionPatcher.MarkVersionNeedWeak(native, ElfVersionPatcher.TorchSharpGlibcxxVersion)
            : ElfPatchResult.NotApplicable;
        var loaded = new List<string>();
        if (preload)
        {
            foreach (string name in PreloadOrder)
            {
                string path = Path.Combine(layout.ConsolidatedDirectory, name);
                NativeLibrary.Load(path);
                loaded.Add(path);
            }
        }
        return new NuGetCacheNativesReport(layout, linked, patch, loaded);
    }

    /// <summary>
    /// <see cref="Prepare(NuGetCacheLayout, bool)"/> for this process when TorchSharp.dll comes from the NuGet cache on
    /// Linux x64; null (nothing done) otherwise. Call it before the first torch call.
    /// </summary>
    public static NuGetCacheNativesReport? PrepareForThisProcess()
    {
        var layout = LocateForThisProcess();
        return layout is null ? null : Prepare(layout);
    }

    private static bool IsUsable(string target, string source, bool mustBeCopy)
    {
        var info = new FileInfo(target);
        if (info.LinkTarget is not null)
        {
            // A link is fine for libtorch's files when it still points at an existing file.
            return !mustBeCopy && info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true };
        }
        // A copy TorchSharp (or an earlier run) made: keep it unless a copy was cut short. The patch keeps the size.
        return info.Exists && info.Length == new FileInfo(source).Length;
    }

    private static void Place(string source, string target, bool copy)
    {
        // Build beside the target and rename over it, so a concurrent loader never sees half a file.
        string temp = target + ".tmp" + Environment.ProcessId;
        if (File.Exists(temp) || new FileInfo(temp).LinkTarget is not null) File.Delete(temp);
        if (copy) File.Copy(source, temp);
        else
        {
            try { File.CreateSymbolicLink(temp, source); }
            catch (IOException) { File.Copy(source, temp); }
            catch (UnauthorizedAccessException) { File.Copy(source, temp); }
        }
        File.Move(temp, target, overwrite: true);
    }

    private static string NormalizeVersion(string version)
    {
        // NuGet cache folders drop a trailing ".0" fourth part (2.10.0.0 -> 2.10.0), as TorchSharp's NormalizeNuGetVersion.
        string[] parts = version.Split('-', 2);
        string[] numbers = parts[0].Split('.');
        if (numbers.Length == 4 && numbers[3] == "0") numbers = numbers[..3];
        return string.Join('.', numbers) + (parts.Length > 1 ? "-" + parts[1] : "");
    }
}
