namespace GenomicCode.Plotting;

/// <summary>
/// A grid of grey-scale images as plain data: <see cref="Rows"/> x <see cref="Columns"/> tiles of
/// <see cref="Height"/> x <see cref="Width"/> pixels in [0, 1], stored row-major tile after tile.
/// </summary>
/// <param name="Rows">Tile rows.</param>
/// <param name="Columns">Tile columns.</param>
/// <param name="Height">Tile height in pixels.</param>
/// <param name="Width">Tile width in pixels.</param>
/// <param name="Pixels">Rows x Columns x Height x Width values in [0, 1].</param>
/// <param name="RowLabels">Optional label per row, drawn at the left.</param>
/// <param name="ColumnLabels">Optional label per column, drawn at the top.</param>
public sealed record ImageGrid(int Rows, int Columns, int Height, int Width, float[] Pixels,
    IReadOnlyList<string>? RowLabels = null, IReadOnlyList<string>? ColumnLabels = null)
{
    /// <summary>Throws when the pixel count or label counts do not match the grid.</summary>
    public ImageGrid Validate()
    {
        if (Rows < 1 || Columns < 1 || Height < 1 || Width < 1)
            throw new ArgumentException($"an image grid needs positive sizes, got {Rows}x{Columns} tiles of {Height}x{Width}.");
        long expected = (long)Rows * Columns * Height * Width;
        if (Pixels.Length != expected)
            throw new ArgumentException($"an image grid of {Rows}x{Columns} tiles of {Height}x{Width} needs {expected} pixels, got {Pixels.Length}.");
        if (RowLabels is not null && RowLabels.Count != Rows) throw new ArgumentException($"expected {Rows} row labels, got {RowLabels.Count}.");
        if (ColumnLabels is not null && ColumnLabels.Count != Columns) throw new ArgumentException($"expected {Columns} column labels, got {ColumnLabels.Count}.");
        return this;
    }

    /// <summary>Value of pixel (y, x) of tile (row, column).</summary>
    public float this[int row, int column, int y, int x] => Pixels[(((row * Columns) + column) * Height + y) * Width + x];
}
