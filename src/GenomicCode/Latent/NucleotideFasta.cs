using System.Text;
using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>One FASTA record.</summary>
/// <param name="Name">The header line after '&gt;' up to the first white space.</param>
/// <param name="Sequence">The bases, upper case, line breaks removed.</param>
public sealed record FastaRecord(string Name, string Sequence);

/// <summary>
/// FASTA reading and writing for nucleotide genomes. Bases are A, C, G, T in either case (lower case, soft-masked,
/// is read as upper case). N (unknown base) is accepted only when <c>allowUnknown</c> is true, which only
/// <see cref="ToPosteriorLogits"/> uses: there an N position becomes a uniform distribution. Hard genomes
/// (<see cref="ToIndices"/>) reject N. Any other character is a one-line error naming the source, the record and the
/// 1-based position within the record.
/// </summary>
public static class NucleotideFasta
{
    /// <summary>Reads a FASTA file.</summary>
    public static IReadOnlyList<FastaRecord> ReadFile(string path, bool allowUnknown = false)
    {
        if (!File.Exists(path)) throw new UserInputException($"FASTA file '{path}' does not exist.");
        using var reader = new StreamReader(path);
        return Read(reader, path, allowUnknown);
    }

    /// <summary>Reads FASTA text; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<FastaRecord> Read(TextReader reader, string source, bool allowUnknown = false)
    {
        var records = new List<FastaRecord>();
        string? name = null;
        var sequence = new StringBuilder();
        int lineNumber = 0;
        void Finish()
        {
            if (name is null) return;
            if (sequence.Length == 0) throw new UserInputException($"{source}: record '{name}' has no sequence.");
            records.Add(new FastaRecord(name, sequence.ToString()));
            sequence.Clear();
        }
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            line = line.TrimEnd();
            if (line.Length == 0 || line[0] == ';') continue;
            if (line[0] == '>')
            {
                Finish();
                string header = line[1..].Trim();
                name = header.Length == 0 ? $"#{records.Count + 1}" : header.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
                continue;
            }
            if (name is null) throw new UserInputException($"{source}, line {lineNumber}: sequence before the first '>' header; a FASTA record starts with '>name'.");
            foreach (char c in line)
            {
                char u = char.ToUpperInvariant(c);
                bool ok = NucleotideGenome.Code(u) >= 0 || (allowUnknown && u == 'N');
                if (!ok)
                {
                    string allowed = allowUnknown ? "A, C, G, T or N" : "A, C, G or T";
                    throw new UserInputException($"{source}: record '{name}', position {sequence.Length + 1}: '{c}' is not {allowed}" +
                                                 (u == 'N' ? " (N is allowed only when reading posterior logits)." : "."));
                }
                sequence.Append(u);
            }
        }
        Finish();
        if (records.Count == 0) throw new UserInputException($"{source}: no FASTA records (lines starting with '>').");
        return records;
    }

    /// <summary>Hard genomes (B, L) int64 from records, each checked against the layout's length.</summary>
    public static Tensor ToIndices(IReadOnlyList<FastaRecord> records, NucleotideLayout layout, string source = "FASTA")
    {
        foreach (var r in records) layout.CheckLength(r.Sequence.Length, $"{source}: record '{r.Name}'");
        return NucleotideGenome.FromStrings(records.Select(r => r.Sequence).ToArray(), records.Select(r => r.Name).ToArray());
    }

    /// <summary>
    /// Posterior logits (B, L, 4) from records: <paramref name="confidence"/> on the given base and 0 on the others;
    /// N gives 0 everywhere (uniform).
    /// </summary>
    public static Tensor ToPosteriorLogits(IReadOnlyList<FastaRecord> records, NucleotideLayout layout, double confidence = 5, string source = "FASTA")
    {
        foreach (var r in records) layout.CheckLength(r.Sequence.Length, $"{source}: record '{r.Name}'");
        var data = new float[records.Count * (long)layout.Length * 4];
        for (int i = 0; i < records.Count; i++)
            for (int j = 0; j < layout.Length; j++)
            {
                int code = NucleotideGenome.Code(records[i].Sequence[j]);
                if (code >= 0) data[((long)i * layout.Length + j) * 4 + code] = (float)confidence;
            }
        return torch.tensor(data, new long[] { records.Count, layout.Length, 4 });
    }

    /// <summary>Writes hard genomes (B, L) as FASTA, <paramref name="lineWidth"/> bases per line.</summary>
    public static void Write(TextWriter writer, Tensor indices, IReadOnlyList<string>? names = null, int lineWidth = 60)
    {
        Guard.InRange(lineWidth, 1, 1_000_000);
        var sequences = NucleotideGenome.ToStrings(indices);
        if (names is not null && names.Count != sequences.Length)
            throw new UserInputException($"{names.Count} names given for {sequences.Length} sequences.");
        for (int i = 0; i < sequences.Length; i++)
        {
            writer.Write('>');
            writer.WriteLine(names?[i] ?? $"genome{i + 1}");
            for (int j = 0; j < sequences[i].Length; j += lineWidth)
                writer.WriteLine(sequences[i].AsSpan(j, Math.Min(lineWidth, sequences[i].Length - j)));
        }
    }

    /// <summary>Writes hard genomes (B, L) to a FASTA file (atomically: a temporary file, then a rename).</summary>
    public static void WriteFile(string path, Tensor indices, IReadOnlyList<string>? names = null, int lineWidth = 60)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            Write(writer, indices, names, lineWidth);
        });
    }
}
