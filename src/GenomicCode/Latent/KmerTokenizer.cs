using System.Buffers;
using GenomicCode.Core;
using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>
/// A k-mer tokenizer for genome sequences on Microsoft.ML.Tokenizers: the vocabulary is all 4^k k-mers over ACGT, the
/// id of a k-mer is its value as a base-4 number (A = 0, C = 1, G = 2, T = 3; "AAA" = 0, "TTT" = 63 for k = 3). Windows
/// start every <see cref="Stride"/> positions (stride 1: overlapping k-mers; stride k: non-overlapping); a sequence
/// must be covered exactly, (L - k) divisible by the stride, so that decoding gives it back.
/// </summary>
public sealed class KmerTokenizer : Tokenizer
{
    /// <summary>Creates a tokenizer for k-mers of length <paramref name="k"/> (1..12) taken every <paramref name="stride"/> (1..k) positions.</summary>
    public KmerTokenizer(int k, int stride = 1)
    {
        Guard.InRange(k, 1, 12);
        if (stride < 1 || stride > k) throw new UserInputException($"stride must be in [1, k = {k}] so every base is covered, got {stride}.");
        K = k;
        Stride = stride;
    }

    /// <summary>k-mer length.</summary>
    public int K { get; }

    /// <summary>Positions between window starts.</summary>
    public int Stride { get; }

    /// <summary>Vocabulary size 4^k.</summary>
    public int VocabularySize => 1 << (2 * K);

    /// <summary>The k-mer with a given id.</summary>
    public string Kmer(int id)
    {
        Guard.InRange(id, 0, VocabularySize - 1);
        var chars = new char[K];
        for (int j = K - 1; j >= 0; j--, id >>= 2) chars[j] = NucleotideGenome.Alphabet[id & 3];
        return new string(chars);
    }

    /// <summary>Number of tokens for a sequence of <paramref name="length"/> bases; a length the windows don't cover exactly is an error.</summary>
    public int TokenCount(int length)
    {
        if (length < K || (length - K) % Stride != 0)
            throw new UserInputException($"a sequence of {length} bases is not covered exactly by {K}-mers every {Stride} positions: (length - {K}) must be >= 0 and divisible by {Stride}.");
        return (length - K) / Stride + 1;
    }

    /// <inheritdoc />
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var span = text is null ? textSpan : text.AsSpan();
        int count = TokenCount(span.Length);
        if (settings.MaxTokenCount > 0) count = Math.Min(count, settings.MaxTokenCount);
        var tokens = new List<EncodedToken>(count);
        for (int t = 0; t < count; t++)
        {
            int start = t * Stride, id = 0;
            for (int j = 0; j < K; j++)
            {
                int code = NucleotideGenome.Code(span[start + j]);
                if (code < 0) throw new UserInputException($"position {start + j + 1}: '{span[start + j]}' is not A, C, G or T.");
                id = (id << 2) | code;
            }
            tokens.Add(new EncodedToken(id, Kmer(id), new Range(start, start + K)));
        }
        int consumed = count == 0 ? 0 : (count - 1) * Stride + K;
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = consumed };
    }

    /// <summary>
    /// Writes the sequence the ids stand for: the first k-mer whole, then the last <see cref="Stride"/> bases of each next
    /// one. Ids outside the vocabulary, or consecutive k-mers whose overlaps disagree, give <see cref="OperationStatus.InvalidData"/>.
    /// </summary>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        idsConsumed = 0;
        charsWritten = 0;
        string? previous = null;
        foreach (int id in ids)
        {
            if (id < 0 || id >= VocabularySize) return OperationStatus.InvalidData;
            string kmer = Kmer(id);
            if (previous is not null && !previous.AsSpan(Stride).SequenceEqual(kmer.AsSpan(0, K - Stride))) return OperationStatus.InvalidData;
            var piece = previous is null ? kmer.AsSpan() : kmer.AsSpan(K - Stride);
            if (charsWritten + piece.Length > destination.Length) return OperationStatus.DestinationTooSmall;
            piece.CopyTo(destination[charsWritten..]);
            charsWritten += piece.Length;
            idsConsumed++;
            previous = kmer;
        }
        return OperationStatus.Done;
    }

    /// <summary>
    /// Tokenizes hard genomes (B, L) int64 on the device, without going through text: (B, T) int64 token ids, the same
    /// ids <see cref="Tokenizer.EncodeToIds(string, bool, bool)"/> gives for the sequences' text.
    /// </summary>
    public Tensor EncodeIndices(Tensor indices)
    {
        TokenCount((int)indices.shape[1]);
        var windows = indices.unfold(1, K, Stride);                                                        // (B, T, k)
        var powers = torch.tensor(Enumerable.Range(0, K).Select(j => 1L << (2 * (K - 1 - j))).ToArray(), device: indices.device); // (k): 4^(k-1) .. 1
        return (windows * powers).sum(dim: 2);                                                              // (B, T)
    }
}
