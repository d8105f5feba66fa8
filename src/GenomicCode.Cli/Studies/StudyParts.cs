using GenomicCode.Core;
using GenomicCode.Studies;
using Spectre.Console;

namespace GenomicCode.Cli.Studies;

/// <summary>The measurements, trainer and tool command the CLI gives the study library.</summary>
internal static class StudyParts
{
    /// <summary>Environment variable naming the genomic-code command that study tasks run (default: this tool).</summary>
    internal const string ToolVariable = "GENOMICCODE_TOOL";

    /// <summary>Every measurement kind a study file may name; adding a kind is one class and one line here.</summary>
    internal static IReadOnlyList<IRunMeasurement> Measurements(IAnsiConsole console) => new IRunMeasurement[]
    {
        new EvaluateMeasurement(console),
        new AnalyzeMeasurement(console),
    };

    /// <summary>
    /// The command that runs this genomic-code from another process: <paramref name="option"/> or $GENOMICCODE_TOOL
    /// when given; this process when it is the genomic-code executable (a built tree's apphost or an installed tool's
    /// shim); the apphost next to this assembly; else the dotnet host with this assembly.
    /// </summary>
    internal static ToolCommand Tool(string? option)
    {
        string? text = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(ToolVariable) : option;
        ToolCommand tool;
        if (!string.IsNullOrWhiteSpace(text))
        {
            tool = ToolCommand.Parse(text);
        }
        else
        {
            string? process = Environment.ProcessPath;
            string name = OperatingSystem.IsWindows() ? "genomic-code.exe" : "genomic-code";
            string dll = typeof(GenomicCodeApp).Assembly.Location;
            string apphost = Path.Combine(Path.GetDirectoryName(dll) ?? ".", name);
            if (process is not null && Path.GetFileName(process) == name) tool = new ToolCommand(process, Array.Empty<string>());
            else if (File.Exists(apphost)) tool = new ToolCommand(apphost, Array.Empty<string>());
            else
            {
                string dotnet = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet"
                    ? process
                    : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
                tool = new ToolCommand(dotnet, new[] { dll });
            }
        }
        if (Path.IsPathRooted(tool.Executable) && !File.Exists(tool.Executable))
            throw new UserInputException($"the genomic-code tool '{tool.Executable}' does not exist; pass --tool (or set {ToolVariable}) with the command that runs genomic-code.");
        return tool;
    }
}
