using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// A developmental decoder whose organism is a square grid of cells (NCA, GRN): the grid's side, and the seed state's
/// mask of living cells.
/// </summary>
public abstract class CellularDecoder : DevelopmentalDecoder
{
    /// <summary>Checks the options and the grid, and records the shapes.</summary>
    protected CellularDecoder(string name, int genomeSize, (int Channels, int Height, int Width) phenotypeShape, CellularOptions options)
        : base(name, genomeSize, phenotypeShape, options)
    {
        GridSize = options.Grid == 0 ? Math.Max(phenotypeShape.Height, phenotypeShape.Width) : options.Grid;
        if (GridSize < 3)
            throw new UserInputException($"{name}: the developmental grid {GridSize}x{GridSize} is smaller than the 3x3 perception kernel; use a phenotype or Grid of at least 3.");
    }

    /// <summary>The grid options (protected, not a second public <c>Options</c>: see <see cref="DevelopmentalDecoder.SharedOptions"/>).</summary>
    protected CellularOptions Cellular => (CellularOptions)SharedOptions;

    /// <summary>Side of the square developmental grid.</summary>
    public int GridSize { get; }

    /// <summary>
    /// A (1, 1, G, G) tensor that is 1 at the centre cell (the seed / zygote) and 0 elsewhere; all ones when
    /// <see cref="CellularOptions.Start"/> is <c>full</c>.
    /// </summary>
    protected internal Tensor CentreCell(Device device)
    {
        if (Cellular.Start == "full") return torch.ones(new long[] { 1, 1, GridSize, GridSize }, device: device);
        var mask = torch.zeros(new long[] { 1, 1, GridSize, GridSize }, device: device);
        mask[0L, 0L, GridSize / 2, GridSize / 2] = torch.tensor(1f, device: device);
        return mask;
    }
}
