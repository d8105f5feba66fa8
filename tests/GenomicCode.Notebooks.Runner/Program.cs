using System.Text.Json;
using GenomicCode.Notebooks.Runner;

// notebook-runner NOTEBOOK.ipynb --result FILE.json [--feed DIR] [--version V] [--timeout SECONDS]
// Runs every C# cell of one notebook in one kernel, prints a line per cell, and writes what the cells showed to FILE.json.
// Exit codes: 0 every cell ran; 1 a cell failed or the notebook ran past --timeout (the JSON names it); 2 bad arguments.

if (!RunnerArguments.TryParse(args, out var options, out string? problem))
{
    Console.Error.WriteLine($"notebook-runner: {problem}");
    Console.Error.WriteLine("usage: notebook-runner NOTEBOOK.ipynb --result FILE.json [--feed DIR] [--version V] [--timeout SECONDS]");
    return 2;
}

string name = Path.GetFileName(options.Notebook);
var cells = new List<CellRun>();
string? error = null;
using var timeout = new CancellationTokenSource(options.Timeout);
try
{
    await NotebookRunner.RunAsync(options.Notebook, options.Feed, options.Version, timeout.Token, cell =>
    {
        cells.Add(cell);
        Console.WriteLine($"{name}: cell {cell.Number} ran in {cell.Seconds:F1} s ({cell.Outputs.Count} outputs)");
    });
}
catch (NotebookCellFailedException e)
{
    error = e.Message;
}

var result = new RunnerResult(name, cells, error, NativeLibraries.Mapped("libtorch_cpu.so"));
string temporary = options.Result + ".partial";
await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(result, RunnerResult.Json));
File.Move(temporary, options.Result, overwrite: true);
if (error is not null) Console.Error.WriteLine(error);
else Console.WriteLine($"{name}: {cells.Count} code cells ran");
int exitCode = error is null ? 0 : 1;
// A cell stopped at the time limit may still be computing on another thread: end the process here all the same.
Environment.Exit(exitCode);
return exitCode;
