using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using CsCheck;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Interop;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Runs;
using GenomicCode.Tests.Cli;
using GenomicCode.Tests.Data;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing (CsCheck) of every parser and loader: valid files (the shipped presets, fixtures, files the
/// writers make) are truncated, bit-flipped, cut, spliced and given extreme tokens; every input must end in a parse or a
/// one-line <see cref="UserInputException"/>, never another exception type, and within a time box. Formats with their
/// own checksums (PNG chunks, checkpoint headers) are also fuzzed with the checksums recomputed after the mutation, so
/// the mutations reach the parsers behind them. CsCheck prints the seed of a failing input to rerun it.
/// </summary>
[Collection(TorchCollection.Name)]
public class LoaderFuzzTests
{
    private static readonly TimeSpan TimeBox = TimeSpan.FromSeconds(20);

    /// <summary>One mutation: what, where (a fraction of the input), how much (a fraction), and a free integer.</summary>
    private sealed record Mutation(int Kind, double At, double Size, int Value);

    private static readonly Gen<Mutation> MutationGen = Gen.Select(Gen.Int[0, 7], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Int,
        (k, a, s, v) => new Mutation(k, a, s, v));

    private static readonly string[] Numbers = { "-1", "0", "1e309", "-1e309", "99999999999999999999", "NaN", "-0", "0.5", "2147483648", "4096", "\"x\"", "null", "[]", "{}" };
    private static readonly string[] Tokens = { ",", "}", "]", "{", "\"", "null", "\n", "\0", ">", "N", "\u001b[2J", "\r\n", "\uFFFF", "-" };

    /// <summary>Mutates a copy of <paramref name="input"/> with <paramref name="mutations"/>, applied in order.</summary>
    private static byte[] Apply(byte[] input, Mutation[] mutations)
    {
        var b = new List<byte>(input);
        foreach (var m in mutations)
        {
            int n = b.Count;
            int at = (int)(m.At * n);
            switch (m.Kind)
            {
                case 0: // truncate
                    b.RemoveRange(at, n - at);
                    break;
                case 1: // flip bits in a few bytes
                    for (int i = 0; i <= (m.Value & 7) && n > 0; i++) b[(at + i * 131) % n] ^= (byte)(1 << ((m.Value >> (3 + i)) & 7));
                    break;
                case 2: // insert bytes
                    b.InsertRange(at, Enumerable.Repeat((byte)m.Value, 1 + (int)(m.Size * 16)));
                    break;
                case 3: // delete a range
                    b.RemoveRange(at, Math.Min(n - at, (int)(m.Size * n / 4) + 1 > n - at ? n - at : (int)(m.Size * n / 4) + 1));
                    break;
                case 4: // overwrite with extreme bytes
                    byte[] extremes = { 0x00, 0xFF, 0x7F, 0x80 };
                    for (int i = 0; i < 1 + (int)(m.Size * 8) && at + i < n; i++) b[at + i] = extremes[(m.Value & 0x7FFFFFFF) % 4];
                    break;
                case 5: // duplicate a chunk elsewhere
                    int length = Math.Min(n - at, (int)(m.Size * n / 8));
                    var chunk = b.GetRange(at, length);
                    b.InsertRange(n == 0 ? 0 : (m.Value & 0x7FFFFFFF) % n, chunk);
                    break;
                case 6: // replace a run of digits with an extreme number or another JSON value
                    var runs = DigitRuns(b);
                    if (runs.Count == 0)
                    {
                        b.InsertRange(at, Encoding.UTF8.GetBytes(Numbers[(int)(m.Size * (Numbers.Length - 1))]));
                        break;
                    }
                    var (start, len) = runs[(m.Value & 0x7FFFFFFF) % runs.Count];
                    b.RemoveRange(start, len);
                    b.InsertRange(start, Encoding.UTF8.GetBytes(Numbers[(int)(m.Size * (Numbers.Length - 1))]));
                    break;
                default: // splice a token
                    b.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[(m.Value & 0x7FFFFFFF) % Tokens.Length]));
                    break;
            }
        }
        return b.ToArray();
    }

    private static List<(int Start, int Length)> DigitRuns(List<byte> b)
    {
        var runs = new List<(int, int)>();
        for (int i = 0; i < b.Count && runs.Count < 256; i++)
        {
            if (b[i] is < (byte)'0' or > (byte)'9') continue;
            int j = i;
            while (j < b.Count && (b[j] is >= (byte)'0' and <= (byte)'9' || b[j] == (byte)'.')) j++;
            runs.Add((i, j - i));
            i = j;
        }
        return runs;
    }

    private static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds, Func<byte[], byte[]>? fix = null) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], MutationGen.Array[1, 4], (i, ms) =>
        {
            var mutated = Apply(seeds[i], ms);
            return fix is null ? mutated : fix(mutated);
        });

    /// <summary>
    /// Runs <paramref name="parse"/> on <paramref name="iterations"/> mutated inputs: each must return or throw a one-line
    /// <see cref="UserInputException"/> within the time box; anything else fails with the input's size and the exception.
    /// </summary>
    private static void Fuzz(Gen<byte[]> inputs, long iterations, Action<byte[]> parse)
    {
        int parsed = 0, refused = 0;
        inputs.Sample(input =>
        {
            var task = Task.Run(() => parse(input));
            if (Task.WaitAny(new[] { task }, TimeBox) < 0) throw new TimeoutException($"a {input.Length}-byte input took more than {TimeBox.TotalSeconds} s");
            if (task.Exception?.InnerException is { } e)
            {
                if (e is not UserInputException u) throw new InvalidOperationException($"a {input.Length}-byte input threw {e.GetType().Name}: {e.Message}", e);
                if (u.Message.Length == 0 || u.Message.Contains('\n') || u.Message.Contains('\r'))
                    throw new InvalidOperationException($"not a one-line message: '{u.Message}'");
                Interlocked.Increment(ref refused);
            }
            else
            {
                Interlocked.Increment(ref parsed);
            }
        }, iter: iterations, threads: 1, print: input => $"{input.Length} bytes: {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 4096)))}");
        // The generator reaches both outcomes (a mutation can leave a file valid, e.g. a flipped data byte).
        Assert.True(refused > 0, $"no input was refused ({parsed} parsed)");
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(PresetCatalog).Assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_PresetsAreMutated()
    {
        // Seeded from the presets that ship (models/*.json, embedded), so the fuzzing follows the format main has.
        var seeds = typeof(PresetCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("GenomicCode.Presets.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(Resource).ToList();
        Assert.NotEmpty(seeds);
        seeds.Add(Encoding.UTF8.GetBytes(IntegrityJson.Serialize(PresetCatalog.Load("quickstart"))));
        Fuzz(Mutated(seeds), 1500, bytes => Preset.Parse(Encoding.UTF8.GetString(bytes), "fuzz.json"));
    }

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_RunConfigsAreVerified()
    {
        var seed = Encoding.UTF8.GetBytes(IntegrityJson.Serialize(PresetCatalog.Load("sprites-grn")));
        Fuzz(Mutated(new[] { seed }), 500, bytes => Preset.Parse(IntegrityJson.Verify(Encoding.UTF8.GetString(bytes), "config.json"), "config.json"));
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_NpyAndCsvFilesAreMutated()
    {
        using var dir = new TempDir();
        Npy.Write(dir["small.npy"], new[,] { { 1.5, -2 }, { 0, 3 } });
        var npy = new[] { "codes_f4.npy", "codes_f8.npy", "factors_i4_fortran.npy", "factors_i8.npy", "factors_u1_1d.npy" }
            .Select(f => File.ReadAllBytes(Fixture(f))).Append(File.ReadAllBytes(dir["small.npy"])).ToList();
        string npyPath = dir["fuzz.npy"];
        Fuzz(Mutated(npy), 800, bytes =>
        {
            File.WriteAllBytes(npyPath, bytes);
            Npy.Read(npyPath);
        });
        var csv = new[] { "codes.csv", "factors.csv" }.Select(f => File.ReadAllBytes(Fixture(f))).ToList();
        string csvPath = dir["fuzz.csv"];
        Fuzz(Mutated(csv), 800, bytes =>
        {
            File.WriteAllBytes(csvPath, bytes);
            CsvMatrix.Read(csvPath);
        });
    }

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_FastaIsMutated()
    {
        var seeds = new[]
        {
            ">g1 first genome\nACGTACGTAC\nGTACGT\n>g2\nTTTTGGGGCCCCAAAA\n",
            "; a comment\n>only\nACGTNACGT\n\n",
        }.Select(Encoding.UTF8.GetBytes).ToList();
        var layout = new NucleotideLayout { Genes = 2, MotifLength = 2, CisLength = 4 };
        Fuzz(Mutated(seeds), 800, bytes =>
        {
            var records = NucleotideFasta.Read(new StringReader(Encoding.UTF8.GetString(bytes)), "fuzz.fa", allowUnknown: bytes.Length % 2 == 0);
            if (records.All(r => r.Sequence.Length == layout.Length && !r.Sequence.Contains('N')))
                NucleotideFasta.ToIndices(records, layout, "fuzz.fa").Dispose();
        });
    }

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_IdxPngAndMnistJsonAreMutated()
    {
        var images = IdxTests.IdxBytes(Idx.UnsignedByte, new[] { 3, 4, 5 }, Enumerable.Range(0, 60).Select(i => (byte)(i * 4)).ToArray());
        var labels = IdxTests.IdxBytes(Idx.UnsignedByte, new[] { 7 }, new byte[] { 0, 1, 2, 3, 4, 5, 6 });
        using var dir = new TempDir();
        string idxPath = dir["fuzz.idx"];
        Fuzz(Mutated(new[] { images, labels, IdxTests.Gzip(images) }), 800, bytes =>
        {
            File.WriteAllBytes(idxPath, bytes);
            Idx.Read(idxPath);
        });

        var grey = TestPng.Encode(4, 3, 0, Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray(), row => row % 5);
        var rgba = TestPng.Encode(3, 3, 6, Enumerable.Range(0, 36).Select(i => (byte)(i * 7)).ToArray(), row => 4 - row % 5);
        var palette = TestPng.Encode(2, 2, 3, new byte[] { 0, 1, 1, 0 }, palette: new byte[] { 255, 0, 0, 0, 0, 255 }, transparency: new byte[] { 128 });
        var pngs = new[] { grey, rgba, palette };
        Fuzz(Mutated(pngs), 600, bytes => Png.Decode(bytes, "fuzz.png"));
        // With every chunk's CRC recomputed, mutations reach the header, zlib and the filters.
        Fuzz(Mutated(pngs, FixPngCrcs), 600, bytes => Png.Decode(bytes, "fuzz.png"));

        var digits = Encoding.UTF8.GetBytes(MnistJsonTests.DigitJson(Enumerable.Range(0, 2 * MnistJson.PixelsPerImage).Select(i => (byte)(i % 256))));
        Fuzz(Mutated(new[] { digits }), 400, bytes => MnistJson.Parse(bytes, "fuzz.json"));
    }

    /// <summary>Recomputes the CRC of every chunk of a (mutated) PNG whose chunk lengths still fit the file.</summary>
    private static byte[] FixPngCrcs(byte[] png)
    {
        var b = (byte[])png.Clone();
        int at = 8;
        while (at + 12 <= b.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
            if (at + 12 + length > b.Length) break;
            uint crc = System.IO.Hashing.Crc32.HashToUInt32(b.AsSpan(at + 4, 4 + (int)length));
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at + 8 + (int)length), crc);
            at += 12 + (int)length;
        }
        return b;
    }

    [Fact]
    public void Should_ParseOrRefuseInOneLine_When_SafeTensorsAreMutated()
    {
        using var dir = new TempDir();
        using (var a = GenomicCode.Numerics.ScalarMath.Arange(6, torch.ScalarType.Float32).reshape(2, 3))
        using (var c = torch.tensor(new long[] { 1, -2, 3 }))
        using (var d = torch.ones(4, dtype: torch.uint8))
            SafeTensors.Write(dir["ours.safetensors"], new Dictionary<string, torch.Tensor> { ["a.weight"] = a, ["c"] = c, ["d"] = d },
                new Dictionary<string, string> { ["format"] = "pt" });
        // A file from elsewhere: no integrity metadata, so mutations reach the header and tensor parsing.
        string header = "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"y\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
        byte[] json = Encoding.ASCII.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        var foreign = new byte[8 + json.Length + 24];
        BinaryPrimitives.WriteUInt64LittleEndian(foreign, (ulong)json.Length);
        json.CopyTo(foreign, 8);
        var seeds = new[] { File.ReadAllBytes(dir["ours.safetensors"]), foreign };
        string path = dir["fuzz.safetensors"];
        Fuzz(Mutated(seeds), 800, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            var (tensors, _) = SafeTensors.Read(path);
            foreach (var t in tensors.Values) t.Dispose();
        });
    }

    [Fact]
    public void Should_VerifyOrRefuseInOneLine_When_CheckpointsAreMutated()
    {
        using var dir = new TempDir();
        var world = new SpritesWorld();
        using var model = GenomeVae.Create(TestModels.Options(latent: 2, hidden: 8), world.ObservationShape, 0, torch.CPU);
        using var trainer = new Trainer(model, world, new TrainingOptions { Steps = 2, BatchSize = 2 }, torch.CPU) { PresetName = "fuzz" };
        trainer.TrainStep();
        trainer.SaveCheckpoint(dir["seed.bin"]);
        byte[] seed = File.ReadAllBytes(dir["seed.bin"]);
        string path = dir["fuzz.bin"];
        void Load(byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            trainer.LoadCheckpoint(path);
        }
        Fuzz(Mutated(new[] { seed }), 100, Load);
        // The header section re-signed after the mutation, so its parser (model options JSON, step, seed, preset name)
        // sees the mutated bytes. The model and optimiser sections are TorchSharp's format, reached only through their
        // checksums; a mutated payload with a forged checksum is not a file a disk or a copy produces.
        var sections = Sections(seed);
        var resigned = MutationGen.Array[1, 3].Select(ms =>
            Build(sections.Select(s => s.Name == "header" ? (s.Name, Apply(s.Payload, ms)) : s).ToList()));
        Fuzz(resigned, 300, Load);
    }

    /// <summary>The sections of a format-2 checkpoint: name and payload, in file order.</summary>
    private static List<(string Name, byte[] Payload)> Sections(byte[] file)
    {
        using var reader = new BinaryReader(new MemoryStream(file));
        reader.ReadString();
        Assert.Equal(2, reader.ReadInt32());
        int count = reader.ReadInt32();
        var list = new List<(string, byte[])>();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            long length = reader.ReadInt64();
            reader.ReadUInt64();
            list.Add((name, reader.ReadBytes((int)length)));
        }
        return list;
    }

    /// <summary>A format-2 checkpoint of the given sections, with their lengths and checksums (XXH3-64).</summary>
    private static byte[] Build(List<(string Name, byte[] Payload)> sections)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write("GENOMICCODE-CHECKPOINT");
            writer.Write(2);
            writer.Write(sections.Count);
            foreach (var (name, payload) in sections)
            {
                writer.Write(name);
                writer.Write((long)payload.Length);
                writer.Write(XxHash3.HashToUInt64(payload));
                writer.Write(payload);
            }
        }
        return buffer.ToArray();
    }

    [Fact]
    public void Should_WriteAWholeFileOrNothing_When_TheGenomeVerbReadsMutatedFasta()
    {
        using var dir = new TempDir();
        string fasta = dir["g.fa"], output = dir["w.json"];
        var seed = Encoding.ASCII.GetBytes(">a\nACGTACGTACGT\n>b\nTTGGCCAATTGG\n");
        int wrote = 0;
        Mutated(new[] { seed }).Sample(bytes =>
        {
            File.WriteAllBytes(fasta, bytes);
            File.Delete(output);
            var r = CliHarness.Run("genome", "affinity", fasta, "--genes", "2", "--motif", "2", "--cis", "4", "--samples", "2", "--out", output);
            if (r.Code == 0)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output)); // whole, parseable JSON
                wrote++;
            }
            else
            {
                CliHarness.AssertOneLineUsageError(r, "error:");
                Assert.False(File.Exists(output), "a refused input left an output file");
            }
            Assert.Empty(Directory.EnumerateFiles(dir.Path, ".*"));
        }, iter: 200, threads: 1);
        Assert.True(wrote > 0, "no mutated genome file was accepted");
    }
}
