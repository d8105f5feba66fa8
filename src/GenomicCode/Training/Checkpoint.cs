using System.Text;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using TorchSharp.Modules;

namespace GenomicCode.Training;

/// <summary>
/// Checkpoint files. Format version 2 (written): the magic string, the version, a section count, then sections, each
/// a name, its length, its XXH3-64 checksum and its bytes: <c>header</c> (the model options as JSON, the step, the seed,
/// the preset name), <c>model</c> (parameters in TorchSharp's binary format), <c>optimizer</c> (Adam state) and
/// <c>regularizer</c> (a stateful regulariser's own state, e.g. FactorVAE's discriminator), the last two when present.
/// Every reader verifies every section's length and checksum and the file's end before it uses anything, so a damaged,
/// truncated or foreign file is a one-line <see cref="UserInputException"/> naming it, and the fix (the previous
/// checkpoint, when one is kept and intact). Version 1 files (no sections, no checksums) are still read, in full, so a
/// truncated one is refused too. Files are written atomically through <see cref="AtomicFile"/>.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "GENOMICCODE-CHECKPOINT";

    /// <summary>The format version this library writes; it reads this one and version 1.</summary>
    public const int FormatVersion = 2;

    private const string HeaderSection = "header", ModelSection = "model", OptimizerSection = "optimizer", RegularizerSection = "regularizer";
    private static readonly string[] KnownSections = { HeaderSection, ModelSection, OptimizerSection, RegularizerSection };

    /// <summary>What a checkpoint's header says.</summary>
    /// <param name="Model">Options of the model it holds.</param>
    /// <param name="Step">Steps completed when it was written.</param>
    /// <param name="Seed">Run seed.</param>
    public sealed record Header(ModelOptions Model, long Step, long Seed)
    {
        /// <summary>Name of the preset the run was trained with (null in version-1 files and when not given).</summary>
        public string? Preset { get; init; }

        /// <summary>Format version of the file.</summary>
        public int Version { get; init; } = FormatVersion;
    }

    /// <summary>
    /// The name the previous checkpoint is kept under when a checkpoint replaces another:
    /// <c>checkpoint.bin</c> -&gt; <c>checkpoint.previous.bin</c>.
    /// </summary>
    public static string PreviousPath(string path)
    {
        string full = Path.GetFullPath(path);
        string name = Path.GetFileNameWithoutExtension(full) + ".previous" + Path.GetExtension(full);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", name);
    }

    /// <summary>
    /// Writes model and optimiser state atomically to <paramref name="path"/>. With <paramref name="keepPrevious"/>,
    /// the checkpoint it replaces stays as <see cref="PreviousPath"/>. A failed write (a full disk) is a one-line
    /// <see cref="UserInputException"/> and leaves the earlier files as they were and no temporary file.
    /// </summary>
    public static void Save(string path, GenomeVae model, OptimizerHelper? optimizer, long step, long seed, string? preset = null,
        bool keepPrevious = false) =>
        AtomicFile.Write(path, stream => Write(stream, model, optimizer, step, seed, preset), keepPrevious ? PreviousPath(path) : null);

    /// <summary>
    /// The size in bytes of the checkpoint <see cref="Save"/> writes for this model and optimiser (its state is
    /// allocated when it is created, so this is exact before the first step).
    /// </summary>
    public static long Measure(GenomeVae model, OptimizerHelper? optimizer, string? preset = null)
    {
        using var counter = new CountingStream();
        Write(counter, model, optimizer, long.MaxValue, long.MaxValue, preset);
        return counter.MaxLength;
    }

    private static void Write(Stream stream, GenomeVae model, OptimizerHelper? optimizer, long step, long seed, string? preset)
    {
        var stateful = model.Regularizer as IStatefulRegularizer;
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(2 + (optimizer is null ? 0 : 1) + (stateful is null ? 0 : 1));
        WriteSection(writer, HeaderSection, w =>
        {
            w.Write(JsonSerializer.Serialize(model.Options, JsonSettings.Default));
            w.Write(step);
            w.Write(seed);
            w.Write(preset ?? "");
        });
        WriteSection(writer, ModelSection, w => model.save(w));
        if (optimizer is not null) WriteSection(writer, OptimizerSection, w => optimizer.save_state_dict(w));
        if (stateful is not null) WriteSection(writer, RegularizerSection, stateful.SaveState);
        writer.Flush();
    }

    private static void WriteSection(BinaryWriter writer, string name, Action<BinaryWriter> body)
    {
        var stream = writer.BaseStream;
        writer.Write(name);
        writer.Flush();
        long fields = stream.Position;
        writer.Write(0L);
        writer.Write(0UL);
        writer.Flush();
        long start = stream.Position;
        var hashing = new HashingWriteStream(stream);
        using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            body(w);
            w.Flush();
        }
        long end = stream.Position;
        stream.Position = fields;
        writer.Write(end - start);
        writer.Write(hashing.Hash);
        writer.Flush();
        stream.Position = end;
    }

    /// <summary>Reads only the header, after verifying the whole file (see the class summary).</summary>
    public static Header ReadHeader(string path)
    {
        using var file = OpenFile(path);
        var layout = Verify(file, path, withHint: true);
        return layout.Header;
    }

    /// <summary>
    /// Verifies the whole file, then loads parameters (and optimiser state when both are present) into
    /// <paramref name="model"/>. A checkpoint of another model gets one short line naming the preset it belongs to and
    /// the fields that differ.
    /// </summary>
    public static Header Load(string path, GenomeVae model, OptimizerHelper? optimizer)
    {
        using var file = OpenFile(path);
        var layout = Verify(file, path, withHint: true);
        var header = layout.Header;
        CheckFits(path, header, model.Options);
        try
        {
            if (header.Version == 1) LoadVersion1(file, layout.BodyStart, path, model, optimizer);
            else LoadSections(file, layout, model, optimizer);
        }
        catch (UserInputException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The bytes are the ones that were written (verified above) or a version-1 file: they do not fit this model.
            throw new UserInputException($"checkpoint '{path}' does not fit this model: {OneLine(e.Message)}; use the preset it was trained with.");
        }
        return header;
    }

    private static FileStream OpenFile(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"checkpoint '{path}' does not exist.");
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read checkpoint '{path}': {OneLine(e.Message)}");
        }
    }

    private sealed record Section(string Name, long Offset, long Length);

    private sealed record Layout(Header Header, long BodyStart, IReadOnlyDictionary<string, Section> Sections);

    /// <summary>Thrown inside verification: what is wrong, before the hint about the previous checkpoint is added.</summary>
    private sealed class Damage(string reason) : Exception(reason);

    private static Layout Verify(FileStream file, string path, bool withHint)
    {
        try
        {
            return ReadLayout(file, path);
        }
        catch (Damage d)
        {
            throw new UserInputException($"checkpoint '{path}' {d.Message}{(withHint ? Hint(path) : ".")}");
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException)
        {
            string reason = e is EndOfStreamException ? "is truncated (it ends inside its header)" : $"is damaged ({e.GetType().Name})";
            throw new UserInputException($"checkpoint '{path}' {reason}{(withHint ? Hint(path) : ".")}");
        }
    }

    private static Layout ReadLayout(FileStream file, string path)
    {
        file.Position = 0;
        long length = file.Length;
        // BinaryWriter's string: a 7-bit length (one byte here) and the UTF-8 bytes.
        byte[] expected = new byte[1 + Magic.Length];
        expected[0] = (byte)Magic.Length;
        Encoding.ASCII.GetBytes(Magic, expected.AsSpan(1));
        byte[] start = new byte[expected.Length];
        int got = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (got < start.Length || !start.AsSpan().SequenceEqual(expected))
        {
            if (got > 0 && start.AsSpan(0, got).SequenceEqual(expected.AsSpan(0, got)))
                throw new Damage($"is truncated ({length} bytes, it ends inside its magic string)");
            throw new UserInputException($"'{path}' is not a GenomicCode checkpoint (it does not start with {Magic}); give the {Path.GetFileName(path)} of a run folder written by `genomic-code train`.");
        }
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        int version = reader.ReadInt32();
        if (version == 1) return ReadVersion1Header(reader, path);
        if (version != FormatVersion)
            throw new UserInputException(version > FormatVersion && version < 1000
                ? $"checkpoint '{path}' has format version {version}; this GenomicCode reads versions 1 and {FormatVersion}: update GenomicCode."
                : $"checkpoint '{path}' is damaged (format version field reads {version}){Hint(path)}");
        int count = reader.ReadInt32();
        if (count < 2 || count > KnownSections.Length) throw new Damage($"is damaged (it claims {count} sections)");
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if (file.Position >= length)
                throw new Damage($"is truncated ({length} bytes; it ends after {Describe(sections)}, before section {i + 1} of {count})");
            string name = ReadName(reader);
            if (!KnownSections.Contains(name) || sections.ContainsKey(name)) throw new Damage("is damaged (its section table is unreadable)");
            long size = reader.ReadInt64();
            ulong sum = reader.ReadUInt64();
            long offset = file.Position;
            if (size < 0) throw new Damage($"is damaged (section '{name}' has length {size})");
            if (offset + size > length)
                throw new Damage($"is truncated ({length} bytes; section '{name}' needs {size} bytes from byte {offset})");
            if (Checksum.Of(file, size) != sum) throw new Damage($"is damaged (section '{name}' fails its checksum)");
            sections[name] = new Section(name, offset, size);
        }
        if (file.Position != length) throw new Damage($"is damaged ({length - file.Position} unexpected bytes after its last section)");
        if (!sections.TryGetValue(HeaderSection, out var headerSection) || !sections.ContainsKey(ModelSection))
            throw new Damage("is damaged (it lacks its header or model section)");
        using var window = new WindowStream(file, headerSection.Offset, headerSection.Length);
        using var headerReader = new BinaryReader(window, Encoding.UTF8);
        var options = ParseModelOptions(headerReader.ReadString(), path);
        long step = headerReader.ReadInt64(), seed = headerReader.ReadInt64();
        string preset = headerReader.ReadString();
        if (step < 0) throw new Damage($"is damaged (step {step})");
        return new Layout(new Header(options, step, seed) { Preset = preset.Length == 0 ? null : preset, Version = FormatVersion },
            file.Position, sections);
    }

    private static Layout ReadVersion1Header(BinaryReader reader, string path)
    {
        var options = ParseModelOptions(reader.ReadString(), path);
        long step = reader.ReadInt64(), seed = reader.ReadInt64();
        return new Layout(new Header(options, step, seed) { Version = 1 }, reader.BaseStream.Position, new Dictionary<string, Section>());
    }

    /// <summary>
    /// The model options stored in a checkpoint's header (JSON), as this library's <see cref="ModelOptions"/>; a header in
    /// the previous (pre-component) form is upgraded (<see cref="ModelOptionsUpgrade"/>).
    /// </summary>
    private static ModelOptions ParseModelOptions(string json, string path)
    {
        try
        {
            return ModelOptions.FromJson(json);
        }
        catch (JsonException e)
        {
            throw new Damage($"is damaged (its model options do not parse: {JsonSettings.Reason(e)})");
        }
    }

    private static string ReadName(BinaryReader reader)
    {
        // A section name is a short ASCII string; anything else means the table is damaged.
        int n = reader.ReadByte();
        if (n is 0 or > 32) throw new Damage("is damaged (its section table is unreadable)");
        var bytes = reader.ReadBytes(n);
        if (bytes.Length < n) throw new EndOfStreamException();
        if (bytes.Any(b => b is < (byte)'a' or > (byte)'z')) throw new Damage("is damaged (its section table is unreadable)");
        return Encoding.ASCII.GetString(bytes);
    }

    private static string Describe(Dictionary<string, Section> sections) =>
        sections.Count == 0 ? "its header fields" : "section '" + sections.Keys.Last() + "'";

    private static void LoadSections(FileStream file, Layout layout, GenomeVae model, OptimizerHelper? optimizer)
    {
        Read(file, layout.Sections[ModelSection], r => model.load(r, strict: true));
        if (optimizer is not null && layout.Sections.TryGetValue(OptimizerSection, out var opt)) Read(file, opt, optimizer.load_state_dict);
        if (model.Regularizer is IStatefulRegularizer stateful && layout.Sections.TryGetValue(RegularizerSection, out var reg)) Read(file, reg, stateful.LoadState);
    }

    private static void Read(FileStream file, Section section, Action<BinaryReader> read)
    {
        using var window = new WindowStream(file, section.Offset, section.Length);
        using var reader = new BinaryReader(window, Encoding.UTF8);
        read(reader);
        if (window.Position != window.Length)
            throw new InvalidDataException($"section '{section.Name}' has {window.Length - window.Position} bytes more than this model reads");
    }

    private static void LoadVersion1(FileStream file, long bodyStart, string path, GenomeVae model, OptimizerHelper? optimizer)
    {
        file.Position = bodyStart;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        try
        {
            model.load(reader, strict: true);
            if (reader.ReadBoolean())
            {
                // Version 1 has no lengths: the optimiser state is read in full (into a scratch optimiser when none is
                // given) to reach the end of the file and see that it is whole.
                if (optimizer is not null) optimizer.load_state_dict(reader);
                else
                {
                    using var scratch = new HeldScalarOptimizers.Adam(model.parameters().ToList(), 1e-3);
                    scratch.load_state_dict(reader);
                }
            }
            if (file.Position < file.Length && reader.ReadBoolean() && model.Regularizer is IStatefulRegularizer stateful) stateful.LoadState(reader);
        }
        catch (EndOfStreamException)
        {
            throw new UserInputException($"checkpoint '{path}' is truncated ({file.Length} bytes; a version-1 file, it ends inside its data){Hint(path)}");
        }
        if (file.Position != file.Length)
            throw new UserInputException($"checkpoint '{path}' is damaged ({file.Length - file.Position} unexpected bytes at its end){Hint(path)}");
    }

    /// <summary>"; use the previous checkpoint ..." when one is kept beside <paramref name="path"/> and verifies, else the fix without one.</summary>
    private static string Hint(string path)
    {
        string previous = PreviousPath(path);
        if (Path.GetFullPath(path) == previous || !File.Exists(previous)) return "; no previous checkpoint is kept beside it: retrain, or restore it from a copy.";
        try
        {
            using var file = OpenFile(previous);
            var layout = Verify(file, previous, withHint: false);
            return $"; the previous checkpoint (step {layout.Header.Step}) is intact: use it with `mv {previous} {Path.GetFullPath(path)}`.";
        }
        catch (UserInputException)
        {
            return $"; the previous checkpoint '{previous}' is damaged too: retrain, or restore them from a copy.";
        }
    }

    /// <summary>
    /// Refuses a checkpoint whose model options differ from <paramref name="wanted"/>: one short line naming the preset it
    /// belongs to and the fields that differ.
    /// </summary>
    public static void CheckFits(string path, Header header, ModelOptions wanted)
    {
        if (header.Model != wanted) throw Mismatch(path, header, wanted);
    }

    private static UserInputException Mismatch(string path, Header stored, ModelOptions wanted)
    {
        var a = JsonSerializer.SerializeToElement(stored.Model, JsonSettings.Default);
        var b = JsonSerializer.SerializeToElement(wanted, JsonSettings.Default);
        // Scalars and components' names show both values ("latentSize: checkpoint 3, model 5"; "decoder: checkpoint
        // "conv", model "grn""); a component's options only the field ("decoder options").
        var fields = a.EnumerateObject()
            .Where(p => !b.TryGetProperty(p.Name, out var q) || p.Value.GetRawText() != q.GetRawText())
            .Select(p => !b.TryGetProperty(p.Name, out var q) ? p.Name
                : IsShortScalar(p.Value) && IsShortScalar(q) ? $"{p.Name}: checkpoint {p.Value.GetRawText()}, model {q.GetRawText()}"
                : ComponentName(p.Value) is string x && ComponentName(q) is string y
                    ? x == y ? $"{p.Name} options" : $"{p.Name}: checkpoint {x}, model {y}"
                    : p.Name).ToList();
        string differs = fields.Count switch
        {
            0 => "its options",
            <= 3 => string.Join("; ", fields),
            _ => $"{string.Join("; ", fields.Take(3))} and {fields.Count - 3} more",
        };
        return new UserInputException(stored.Preset is null
            ? $"checkpoint '{path}' holds a model that differs in {differs}; use the preset it was trained with, or another run folder."
            : $"checkpoint '{path}' belongs to preset '{stored.Preset}', whose model differs in {differs}; use --preset {stored.Preset} (or the run's config.json), or another run folder.");
    }

    /// <summary>The quoted name of a component (<c>{ "name": ..., "options": ... }</c>), or null for anything else.</summary>
    private static string? ComponentName(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetRawText() : null;

    private static bool IsShortScalar(JsonElement e) =>
        e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array) && e.GetRawText().Length <= 24;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
}
