using GenomicCode.Core;

namespace GenomicCode.Tests.Core;

public class NativeLoadingTests
{
    private static string? PackagedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    [Fact]
    public void Should_MarkOnlyTheGlibcxx3432Need_When_PatchingTheShippedLibrary()
    {
        string? lib = PackagedLibrary();
        Assert.SkipWhen(lib is null, "TorchSharp's linux-x64 package is not in the NuGet cache on this machine");
        byte[] original = File.ReadAllBytes(lib!);
        var before = ElfVersionPatcher.ListVersionNeeds(original);
        Assert.Contains(("GLIBCXX_3.4.32", false), before);

        byte[] patched = (byte[])original.Clone();
        Assert.Equal(ElfPatchResult.Patched, ElfVersionPatcher.MarkVersionNeedWeak(patched, "GLIBCXX_3.4.32"));
        var after = ElfVersionPatcher.ListVersionNeeds(patched);
        Assert.Contains(("GLIBCXX_3.4.32", true), after);
        // Every other need is untouched, and exactly one byte of the file changed (the vna_flags of that entry).
        Assert.Equal(before.Where(v => v.Name != "GLIBCXX_3.4.32"), after.Where(v => v.Name != "GLIBCXX_3.4.32"));
        Assert.Equal(1, original.Zip(patched).Count(p => p.First != p.Second));
        Assert.Equal(ElfPatchResult.AlreadyWeak, ElfVersionPatcher.MarkVersionNeedWeak(patched, "GLIBCXX_3.4.32"));
        Assert.Equal(ElfPatchResult.VersionNotRequired, ElfVersionPatcher.MarkVersionNeedWeak(patched, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void Should_LeaveNonElfFilesAlone_When_Patching()
    {
        byte[] text = "not an ELF file at all, just some text that is long enough to look at"u8.ToArray();
        byte[] copy = (byte[])text.Clone();
        Assert.Equal(ElfPatchResult.NotApplicable, ElfVersionPatcher.MarkVersionNeedWeak(copy, "GLIBCXX_3.4.32"));
        Assert.Equal(text, copy);
    }

    [Fact]
    public void Should_LoadAPatchedNativeLibrary_When_TheBuildRan()
    {
        // The build step patched the copy in the test output; libtorch loads and computes.
        NativeRuntime.EnsureLoaded();
        string? lib = NativeRuntime.FindTorchSharpNative();
        Assert.NotNull(lib);
        if (OperatingSystem.IsLinux())
            Assert.Contains(("GLIBCXX_3.4.32", true), ElfVersionPatcher.ListVersionNeeds(File.ReadAllBytes(lib!)));
        using var x = TorchSharp.torch.ones(3).sum();
        Assert.Equal(3f, x.item<float>());
    }

    [Fact]
    public void Should_ConfigureMalloc_When_OnGlibcLinux()
    {
        NativeRuntime.ConfigureMalloc();
        if (OperatingSystem.IsLinux()) Assert.NotEqual("default", NativeRuntime.MallocPolicy);
    }
}
