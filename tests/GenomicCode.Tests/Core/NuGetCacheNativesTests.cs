using GenomicCode.Core;

namespace GenomicCode.Tests.Core;

public class NuGetCacheNativesTests
{
    private static string? PackagedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    [Fact]
    public void Should_FindTorchSharpsFolders_When_TheAssemblyComesFromANuGetCache()
    {
        string dll = Path.Combine("/cache", "torchsharp", "0.107.0", "lib", "net8.0", "TorchSharp.dll");
        var layout = NuGetCacheNatives.Locate(dll, "2.10.0.0");
        Assert.NotNull(layout);
        Assert.Equal("/cache", layout!.PackagesDirectory);
        Assert.Equal("0.107.0", layout.TorchSharpVersion);
        Assert.Equal("/cache/torchsharp/0.107.0/lib/net8.0/cpu", layout.ConsolidatedDirectory);
        Assert.Equal(new[] { "/cache/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native", "/cache/torchsharp/0.107.0/runtimes/linux-x64/native" },
            layout.SourceDirectories);
    }

    [Fact]
    public void Should_ReturnNull_When_TheAssemblyIsInAnApplicationFolder()
    {
        Assert.Null(NuGetCacheNatives.Locate("/app/bin/Release/net10.0/TorchSharp.dll", "2.10.0"));
    }

    [Fact]
    public void Should_ReadTheLibtorchVersion_When_TorchSharpIsNotStarted()
    {
        Assert.Equal("2.10.0", NuGetCacheNatives.TorchSharpLibtorchVersion());
    }

    [Fact]
    public void Should_LinkLibtorchAndPatchACopyOfTorchSharp_When_Preparing()
    {
        string? shipped = PackagedLibrary();
        Assert.SkipWhen(shipped is null || !OperatingSystem.IsLinux(), "TorchSharp's linux-x64 package is not in the NuGet cache on this machine");
        using var dir = new TempDir();
        // Given a fake cache: libtorch's package with two libraries and a non-library, TorchSharp's with its real library.
        string libtorch = Directory.CreateDirectory(dir["libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"]).FullName;
        File.WriteAllText(Path.Combine(libtorch, "libc10.so"), "c10");
        File.WriteAllText(Path.Combine(libtorch, "libgomp-98b21ff3.so.1"), "gomp");
        File.WriteAllText(Path.Combine(libtorch, "README.txt"), "not a library");
        string tsNative = Directory.CreateDirectory(dir["torchsharp/0.107.0/runtimes/linux-x64/native"]).FullName;
        File.Copy(shipped!, Path.Combine(tsNative, "libLibTorchSharp.so"));
        var layout = NuGetCacheNatives.Locate(dir["torchsharp/0.107.0/lib/net8.0/TorchSharp.dll"], "2.10.0")!;

        var report = NuGetCacheNatives.Prepare(layout, preload: false);

        string cpu = layout.ConsolidatedDirectory;
        Assert.Equal(new[] { "libLibTorchSharp.so", "libc10.so", "libgomp-98b21ff3.so.1" },
            Directory.GetFiles(cpu).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(libtorch, "libc10.so"), new FileInfo(Path.Combine(cpu, "libc10.so")).LinkTarget);
        Assert.Null(new FileInfo(Path.Combine(cpu, "libLibTorchSharp.so")).LinkTarget);
        Assert.Equal(ElfPatchResult.Patched, report.Patch);
        Assert.Contains(("GLIBCXX_3.4.32", true), ElfVersionPatcher.ListVersionNeeds(File.ReadAllBytes(Path.Combine(cpu, "libLibTorchSharp.so"))));
        Assert.Contains(("GLIBCXX_3.4.32", false), ElfVersionPatcher.ListVersionNeeds(File.ReadAllBytes(Path.Combine(tsNative, "libLibTorchSharp.so"))));
        Assert.Empty(report.Preloaded);

        // A second run finds everything in place.
        var again = NuGetCacheNatives.Prepare(layout, preload: false);
        Assert.Empty(again.Linked);
        Assert.Equal(ElfPatchResult.AlreadyWeak, again.Patch);
    }

    [Fact]
    public void Should_ReplaceACopyCutShort_When_TorchSharpLeftOne()
    {
        using var dir = new TempDir();
        string libtorch = Directory.CreateDirectory(dir["libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"]).FullName;
        File.WriteAllText(Path.Combine(libtorch, "libtorch.so"), "the whole library");
        var layout = NuGetCacheNatives.Locate(dir["torchsharp/0.107.0/lib/net8.0/TorchSharp.dll"], "2.10.0")!;
        Directory.CreateDirectory(layout.ConsolidatedDirectory);
        File.WriteAllText(Path.Combine(layout.ConsolidatedDirectory, "libtorch.so"), "the whole");

        var report = NuGetCacheNatives.Prepare(layout, preload: false);

        Assert.Equal(new[] { Path.Combine(layout.ConsolidatedDirectory, "libtorch.so") }, report.Linked);
        Assert.Equal("the whole library", File.ReadAllText(Path.Combine(layout.ConsolidatedDirectory, "libtorch.so")));
        Assert.Equal(ElfPatchResult.NotApplicable, report.Patch); // no TorchSharp library in this fake cache
    }

    [Fact]
    public void Should_NameTheBackendPackage_When_LibtorchIsNotRestored()
    {
        using var dir = new TempDir();
        var layout = NuGetCacheNatives.Locate(dir["torchsharp/0.107.0/lib/net8.0/TorchSharp.dll"], "2.10.0")!;
        var e = Assert.Throws<UserInputException>(() => NuGetCacheNatives.Prepare(layout, preload: false));
        Assert.Contains("#r \"nuget: TorchSharp-cpu, 0.107.0\"", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
