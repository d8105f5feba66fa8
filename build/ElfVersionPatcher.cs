// Marks a symbol-version requirement of an ELF shared library as weak, so that the dynamic loader accepts the
// library on systems whose libstdc++ lacks that version. TorchSharp 0.107's libLibTorchSharp.so asks for
// GLIBCXX_3.4.32 (GCC 13) for a single symbol, std::ios_base_library_init(), that it references but never calls;
// Debian 12 and Ubuntu 22.04 ship libstdc++ up to GLIBCXX_3.4.30, so the load fails there.
// Format: ELF-64 object file format, "GNU symbol versioning" (Linux Standard Base Core Specification, 11.7.3,
// Elfxx_Verneed / Elfxx_Vernaux; VER_FLG_WEAK = 0x2).
//
// This one file is compiled twice: into the GenomicCode library (runtime diagnosis, notebooks) and, by
// build/GenomicCode.NativeFix.targets, into an MSBuild inline task that patches the copied native library
// after every build and publish. Keep it free of dependencies beyond the base class library.
using System;
using System.IO;
using System.Text;

namespace GenomicCode.Core
{
    /// <summary>The outcome of <see cref="ElfVersionPatcher.MarkVersionNeedWeak(string, string)"/>.</summary>
    public enum ElfPatchResult
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,
        /// <summary>The version need was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The library does not require that version; the file was not written.</summary>
        VersionNotRequired,
        /// <summary>The file is not a little-endian ELF-64 shared object with a version-needs section.</summary>
        NotApplicable,
    }

    /// <summary>Reads and edits the GNU version-needs section (.gnu.version_r) of an ELF-64 file.</summary>
    public static class ElfVersionPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>The libstdc++ version need that TorchSharp 0.107 declares but never calls into.</summary>
        public const string TorchSharpGlibcxxVersion = "GLIBCXX_3.4.32";

        /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="versionName"/> in the file.</summary>
        /// <param name="path">Path to the shared library; written in place only when a change is needed.</param>
        /// <param name="versionName">Version name, for example <c>GLIBCXX_3.4.32</c>.</param>
        public static ElfPatchResult MarkVersionNeedWeak(string path, string versionName)
        {
            byte[] bytes = File.ReadAllBytes(path);
            ElfPatchResult result = MarkVersionNeedWeak(bytes, versionName);
            if (result == ElfPatchResult.Patched)
            {
                // Write beside the file and rename, so an interrupted write never leaves a broken library.
                string temp = path + ".patching";
                File.WriteAllBytes(temp, bytes);
                File.Replace(temp, path, null); // atomic rename over the original (netstandard2.0 API, for the build task)
            }
            return result;
        }

        /// <summary>In-memory variant of <see cref="MarkVersionNeedWeak(string, string)"/>.</summary>
        public static ElfPatchResult MarkVersionNeedWeak(byte[] elf, string versionName)
        {
            ElfPatchResult result = ElfPatchResult.NotApplicable;
            bool found = false, patched = false;
            if (!VisitVersionNeeds(elf, (flagsOffset, name) =>
                {
                    if (name != versionName) return;
                    found = true;
                    ushort flags = ReadU16(elf, flagsOffset);
                    if ((flags & VerFlagWeak) != 0) return;
                    WriteU16(elf, flagsOffset, (ushort)(flags | VerFlagWeak));
                    patched = true;
                }))
            {
                return result;
            }
            if (patched) return ElfPatchResult.Patched;
            return found ? ElfPatchResult.AlreadyWeak : ElfPatchResult.VersionNotRequired;
        }

        /// <summary>Returns each required version name with whether it is weak, or an empty array for a non-ELF file.</summary>
        public static (string Name, bool Weak)[] ListVersionNeeds(byte[] elf)
        {
            var list = new System.Collections.Generic.List<(string, bool)>();
            VisitVersionNeeds(elf, (flagsOffset, name) => list.Add((name, (ReadU16(elf, flagsOffset) & VerFlagWeak) != 0)));
            return list.ToArray();
        }

        private static bool VisitVersionNeeds(byte[] elf, Action<int, string> visit)
        {
            // e_ident: magic, EI_CLASS = 2 (64-bit), EI_DATA = 1 (little-endian).
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
                || elf[4] != 2 || elf[5] != 1)
            {
                return false;
            }
            long shoff = (long)ReadU64(elf, 0x28);
            int shentsize = ReadU16(elf, 0x3A);
            int shnum = ReadU16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length) return false;
            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (ReadU32(elf, sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)ReadU64(elf, sh + 0x18);
                uint link = ReadU32(elf, sh + 0x28);
                uint count = ReadU32(elf, sh + 0x2C);
                if (link >= shnum) return false;
                long strtab = (long)ReadU64(elf, checked((int)(shoff + (long)link * shentsize)) + 0x18);
                long need = offset;
                for (uint n = 0; n < count && need + 16 <= elf.Length; n++)
                {
                    int cnt = ReadU16(elf, (int)need + 2);
                    long aux = need + ReadU32(elf, (int)need + 8);
                    for (int a = 0; a < cnt && aux + 16 <= elf.Length; a++)
                    {
                        string name = ReadCString(elf, strtab + ReadU32(elf, (int)aux + 8));
                        visit((int)aux + 4, name);
                        uint nextAux = ReadU32(elf, (int)aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = ReadU32(elf, (int)need + 12);
                    if (next == 0) break;
                    need += next;
                }
                return true;
            }
            return false;
        }

        private static string ReadCString(byte[] b, long start)
        {
            if (start < 0 || start >= b.Length) return string.Empty;
            long end = start;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
        }

        private static ushort ReadU16(byte[] b, int o) => (ushort)(b[o] | (b[o + 1] << 8));
        private static uint ReadU32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        private static ulong ReadU64(byte[] b, int o) => ReadU32(b, o) | ((ulong)ReadU32(b, o + 4) << 32);

        private static void WriteU16(byte[] b, int o, ushort v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }
    }
}

#if !GENOMICCODE_LIBRARY
namespace GenomicCode.Build
{
    /// <summary>MSBuild task: weak-marks TorchSharp's GLIBCXX_3.4.32 version need in each given library.</summary>
    public class MarkTorchSharpVersionNeedWeak : Microsoft.Build.Utilities.Task
    {
        /// <summary>The copied libLibTorchSharp.so files to patch.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (var item in Libraries)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                try
                {
                    var result = GenomicCode.Core.ElfVersionPatcher.MarkVersionNeedWeak(
                        path, GenomicCode.Core.ElfVersionPatcher.TorchSharpGlibcxxVersion);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "GenomicCode native fix: " + path + ": " + result);
                }
                catch (Exception e)
                {
                    Log.LogWarning("GenomicCode native fix could not patch " + path + ": " + e.Message);
                }
            }
            return true;
        }
    }
}
#endif
