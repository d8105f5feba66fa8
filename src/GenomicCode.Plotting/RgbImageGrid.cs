using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>
/// A grid of colour images as plain data: <see cref="Rows"/> x <see cref="Columns"/> square tiles of
/// <see cref="Size"/> x <see cref="Size"/> RGB pixels, bytes tile after tile (row-major tiles, then rows, columns,
/// channels). A row may hold fewer tiles than <see cref="Columns"/>: <see cref="Tiles"/> gives each row's count.
/// </summary>
/// <param name="Columns">Tile columns (the longest row).</param>
/// <param name="Size">Side of each tile in pixels.</param>
/// <param name="Tiles">Each row's tiles as Size x Size x 3 bytes, concatenated.</param>
/// <param name="RowLabels">Optional label per row, drawn at the left.</param>
/// <param name="TileLabels">Optional label per tile (per row, per tile), drawn below it; null or empty strings for none.</param>
public sealed record RgbImageGrid(int Columns, int Size, IReadOnlyList<byte[]> Tiles,
    IReadOnlyList<string>? RowLabels = null, IReadOnlyList<IReadOnlyList<string>>? TileLabels = null)
{
    /// <summary>Rows.</summary>
    public int Rows => Tiles.Count;

    /// <summary>Tiles in row <paramref name="row"/>.</summary>
    public int Count(int row) => Tiles[row].Length / (Size * Size * 3);

    /// <summary>Throws when a row's bytes are not whole tiles, a row is longer than <see cref="Columns"/>, or labels do not match.</summary>
    public RgbImageGrid Validate()
    {
        if (Columns < 1 || Size < 1 || Rows < 1) throw new ArgumentException($"an RGB grid needs columns, size and rows >= 1, got {Columns}, {Size}, {Rows}.");
        int tile = Size * Size * 3;
        for (int r = 0; r < Rows; r++)
        {
            if (Tiles[r].Length % tile != 0) throw new ArgumentException($"row {r} has {Tiles[r].Length} bytes, not whole {Size}x{Size} RGB tiles.");
            if (Count(r) > Columns) throw new ArgumentException($"row {r} has {Count(r)} tiles, more than the {Columns} columns.");
        }
        if (RowLabels is not null && RowLabels.Count != Rows) throw new ArgumentException($"expected {Rows} row labels, got {RowLabels.Count}.");
        if (TileLabels is not null && (TileLabels.Count != Rows || Enumerable.Range(0, Rows).Any(r => TileLabels[r].Count != Count(r))))
            throw new ArgumentException("expected one tile label per tile.");
        return this;
    }

    /// <summary>
    /// Draws the grid as a <see cref="Figure"/>: tiles at their pixel size times a whole-number scale (no smoothing),
    /// white gaps, row labels at the left, tile labels under the tiles.
    /// </summary>
    public Figure Draw(string title)
    {
        Validate();
        const int gap = 2, labelRoom = 10;
        int cellW = Size + gap, cellH = Size + gap + (TileLabels is null ? 0 : labelRoom);
        int w = Columns * cellW - gap, h = Rows * cellH - gap;
        var canvas = new byte[h, w, 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) canvas[y, x, c] = 255;
        for (int r = 0; r < Rows; r++)
            for (int t = 0; t < Count(r); t++)
                for (int y = 0; y < Size; y++)
                    for (int x = 0; x < Size; x++)
                        for (int c = 0; c < 3; c++)
                            canvas[r * cellH + y, t * cellW + x, c] = Tiles[r][((t * Size + y) * Size + x) * 3 + c];
        var plot = new Plot();
        var image = new Image(canvas);
        var rect = plot.Add.ImageRect(image, new CoordinateRect(0, w, 0, h));
        rect.AntiAlias = false;                                   // each image pixel a sharp block
        plot.Axes.SetLimits(0, w, 0, h);
        plot.Title(title);
        plot.Grid.IsVisible = false;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        var left = new ScottPlot.TickGenerators.NumericManual();
        if (RowLabels is not null)
            for (int r = 0; r < Rows; r++) left.AddMajor(h - (r * cellH + Size / 2.0), RowLabels[r]);
        plot.Axes.Left.TickGenerator = left;
        if (TileLabels is not null)
            for (int r = 0; r < Rows; r++)
                for (int t = 0; t < Count(r); t++)
                {
                    if (string.IsNullOrEmpty(TileLabels[r][t])) continue;
                    var text = plot.Add.Text(TileLabels[r][t], t * cellW + Size / 2.0, h - (r * cellH + Size + 1));
                    text.LabelAlignment = Alignment.UpperCenter;
                    text.LabelFontSize = 11;
                }
        int scale = Math.Max(1, 1100 / Math.Max(w, h));
        int longest = RowLabels?.Max(l => l.Length) ?? 0;
        var padding = new PixelPadding(longest == 0 ? 12 : 20 + 7 * longest, 12, 12, 44);
        plot.Layout.Fixed(padding);
        return new Figure(plot, (int)(w * scale + padding.Left + padding.Right), (int)(h * scale + padding.Top + padding.Bottom), title);
    }
}
