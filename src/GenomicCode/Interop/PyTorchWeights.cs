using System.Collections;
using GenomicCode.Core;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GenomicCode.Interop;

/// <summary>
/// Model weights as PyTorch <c>.pt</c> state dicts (the zip format of <c>torch.save</c>), through TorchSharp.PyBridge:
/// a GenomicCode model saved here loads in PyTorch with <c>model.load_state_dict(torch.load(path))</c>, and a
/// state dict written by PyTorch loads here. Names are PyTorch's dotted parameter names.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>Writes a module's state dict as a PyTorch .pt file (through a temporary file and a rename).</summary>
    public static void Save(nn.Module module, string path)
    {
        AtomicFile.WriteVia(path, temp => module.save_py(temp));
    }

    /// <summary>Reads every tensor of a PyTorch .pt state dict onto the CPU; a file that is not one gets a one-line error.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"PyTorch weights file '{path}' does not exist.");
        Hashtable table;
        // Any failure of the unpickler on a user's file (bad zip, unknown pickle opcode or class, wrong layout) is a
        // problem with that file, reported in one line.
        try { table = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new UserInputException($"'{path}' is not a readable PyTorch state dict (torch.save of a dict of tensors): {e.Message.ReplaceLineEndings(" ")}");
        }
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name || entry.Value is not Tensor tensor)
                throw new UserInputException($"'{path}' holds an entry that is not a named tensor ({entry.Key}: {entry.Value?.GetType().Name ?? "null"}).");
            result[name] = tensor;
        }
        return result;
    }

    /// <summary>Loads a PyTorch .pt state dict into a module; every mismatch is listed (see <see cref="StateDicts.Apply"/>).</summary>
    public static void Load(nn.Module module, string path)
    {
        var tensors = Read(path);
        try { StateDicts.Apply(module, tensors, path); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }
}
