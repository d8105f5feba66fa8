using System.Text.Json.Nodes;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>
/// A path into a JSON document written as field names joined by dots, with optional array indices:
/// <c>training.seed</c>, <c>model.regularizer.options.beta</c>, <c>model.development.steps</c>, <c>layers[2].width</c>.
/// A study's grid names what it varies this way, so the grid works with any preset shape.
/// </summary>
public sealed class JsonPath
{
    private readonly IReadOnlyList<object> segments; // string (field) or int (array index)

    private JsonPath(string text, IReadOnlyList<object> segments)
    {
        Text = text;
        this.segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The last field name (<c>beta</c> for <c>model.regularizer.options.beta</c>).</summary>
    public string LastName => segments.OfType<string>().LastOrDefault() ?? Text;

    /// <summary>
    /// Parses <paramref name="text"/>; an empty path, an empty field name or a malformed index is a
    /// <see cref="UserInputException"/> naming the path.
    /// </summary>
    public static JsonPath Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UserInputException("a JSON path must not be empty; write fields joined by dots, e.g. training.seed.");
        var parts = new List<object>();
        foreach (string dotted in text.Split('.'))
        {
            string rest = dotted;
            int bracket = rest.IndexOf('[');
            string name = bracket < 0 ? rest : rest[..bracket];
            if (name.Length == 0 && (bracket != 0 || parts.Count == 0))
                throw new UserInputException($"JSON path '{text}' has an empty field name; write fields joined by dots, e.g. model.beta.");
            if (name.Length > 0) parts.Add(name);
            while (bracket >= 0)
            {
                int close = rest.IndexOf(']', bracket);
                if (close < 0 || !int.TryParse(rest[(bracket + 1)..close], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
                    throw new UserInputException($"JSON path '{text}' has a malformed array index; write e.g. layers[2].width.");
                parts.Add(index);
                rest = rest[(close + 1)..];
                bracket = rest.Length == 0 ? -1 : rest[0] == '[' ? 0 : throw new UserInputException($"JSON path '{text}' has text after an array index; write e.g. layers[2].width.");
            }
        }
        return new JsonPath(text.Trim(), parts);
    }

    /// <summary>Whether the document holds a value (possibly null) at this path.</summary>
    public bool Exists(JsonNode? root) => TryGet(root, out _);

    /// <summary>The value at this path, if the document holds one.</summary>
    public bool TryGet(JsonNode? root, out JsonNode? value)
    {
        value = null;
        JsonNode? node = root;
        foreach (object s in segments)
        {
            switch (s)
            {
                case string name when node is JsonObject o:
                    if (!o.TryGetPropertyValue(name, out node)) return false;
                    break;
                case int i when node is JsonArray a:
                    if (i >= a.Count) return false;
                    node = a[i];
                    break;
                default:
                    return false;
            }
        }
        value = node;
        return true;
    }

    /// <summary>
    /// Sets the value at this path (a deep copy of <paramref name="value"/>), creating missing objects on the way. A
    /// path that runs through a value that is not an object (or an array, for an index) is a
    /// <see cref="UserInputException"/> naming the path and what it found.
    /// </summary>
    public void Set(JsonNode root, JsonNode? value)
    {
        JsonNode node = root;
        for (int k = 0; k < segments.Count; k++)
        {
            bool last = k == segments.Count - 1;
            object s = segments[k];
            if (s is string name)
            {
                if (node is not JsonObject o) throw new UserInputException($"JSON path '{Text}': '{Prefix(k)}' is {Describe(node)}, not an object with field '{name}'.");
                if (last) { o[name] = value?.DeepClone(); return; }
                if (!o.TryGetPropertyValue(name, out var child) || child is null)
                {
                    child = segments[k + 1] is int ? new JsonArray() : new JsonObject();
                    o[name] = child;
                }
                node = child;
            }
            else
            {
                int i = (int)s;
                if (node is not JsonArray a) throw new UserInputException($"JSON path '{Text}': '{Prefix(k)}' is {Describe(node)}, not an array.");
                if (i >= a.Count) throw new UserInputException($"JSON path '{Text}': '{Prefix(k)}' has {a.Count} elements, so index {i} does not exist.");
                if (last) { a[i] = value?.DeepClone(); return; }
                node = a[i] ?? throw new UserInputException($"JSON path '{Text}': '{Prefix(k + 1)}' is null.");
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private string Prefix(int count)
    {
        var text = new System.Text.StringBuilder();
        for (int k = 0; k < count; k++)
        {
            if (segments[k] is string name) text.Append(text.Length == 0 ? "" : ".").Append(name);
            else text.Append('[').Append((int)segments[k]).Append(']');
        }
        return text.Length == 0 ? "(the document)" : text.ToString();
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => $"the value {node.ToJsonString()}",
    };
}
