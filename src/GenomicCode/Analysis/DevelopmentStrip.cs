using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>The phenotype at several developmental steps, for a few organisms, as plain pixel data.</summary>
/// <param name="Steps">The steps shown (columns), ascending, from 0 (the seed) to the last step.</param>
/// <param name="Organisms">How many organisms (rows).</param>
/// <param name="Pixels">Organisms x steps tiles of C x H x W probabilities in [0, 1], row after row.</param>
public sealed record DevelopmentFrames(int[] Steps, int Organisms, float[] Pixels);

/// <summary>Development strips: how a trained developmental decoder grows the phenotypes of observed organisms.</summary>
public static class DevelopmentStrip
{
    /// <summary>
    /// Encodes <paramref name="count"/> sampled observations (posterior mean) and develops them without noise from the
    /// default generator, recording the phenotype at <paramref name="columns"/> evenly spaced steps from 0 to the
    /// decoder's step count. Throws when the model's decoder is not developmental.
    /// </summary>
    public static DevelopmentFrames Capture(GenomeVae model, IGroundTruthData data, int count, int columns, long seed, Device device)
    {
        if (model.Decoder is not DevelopmentalDecoder decoder)
            throw new UserInputException($"decoder {model.Decoder.GetName()} has no developmental steps to show.");
        if (count < 1 || columns < 2) throw new UserInputException($"a development strip needs >= 1 organism and >= 2 columns, got {count} and {columns}.");
        using var scope = torch.NewDisposeScope();
        model.eval();
        int last = decoder.SharedOptions.Steps;
        var steps = Enumerable.Range(0, columns).Select(i => (int)Math.Round((double)last * i / (columns - 1))).Distinct().ToArray();
        var images = data.Render(data.SampleFactors(count, seed), device);
        var genomes = model.Encode(images);
        using var _ = torch.no_grad();
        var result = decoder.Develop(genomes, null, steps);
        var frames = torch.stack(result.Trajectory.Select(torch.sigmoid).ToArray(), 1); // (B, S, C, H, W)
        return new DevelopmentFrames(result.CapturedSteps.ToArray(), count, frames.to(torch.CPU).contiguous().data<float>().ToArray());
    }
}
