using System.Text;
using System.Text.Json;

namespace GenomicCode.Studies;

/// <summary>
/// Where each field of a JSON document starts: maps a field path (<c>grid[0].values[1]</c>, <c>measurements[0].kind</c>)
/// to its 1-based line, so that checks made after parsing can still name the line of the field they reject.
/// Comments and trailing commas are accepted, as in presets.
/// </summary>
public sealed class JsonSourceMap
{
    private readonly Dictionary<string, int> lines = new(StringComparer.Ordinal);

    private JsonSourceMap() { }

    /// <summary>Builds the map of <paramref name="json"/>; a malformed document gives an empty map (the parser names the error).</summary>
    public static JsonSourceMap Build(string json)
    {
        var map = new JsonSourceMap();
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var lineStarts = new List<int> { 0 };
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // One frame per open container: its path, and for arrays the index of the next element.
        var stack = new Stack<(string Path, bool IsArray, int Next)>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                int line = LineOf(lineStarts, (int)reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = Join(stack.Count == 0 ? "" : stack.Peek().Path, reader.GetString() ?? "");
                        map.lines.TryAdd(pendingName, line);
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        string path = ValuePath(stack, ref pendingName, map, line);
                        stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        ValuePath(stack, ref pendingName, map, line);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: keep what was mapped; the deserialiser reports the error with its own line.
        }
        return map;
    }

    /// <summary>The 1-based line of <paramref name="path"/>, or of its nearest mapped parent; null when none is mapped.</summary>
    public int? LineOf(string path)
    {
        string p = path;
        while (true)
        {
            if (lines.TryGetValue(p, out int line)) return line;
            if (p.Length == 0) return null;
            int cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            p = cut <= 0 ? "" : p[..cut];
        }
    }

    private static string ValuePath(Stack<(string Path, bool IsArray, int Next)> stack, ref string? pendingName, JsonSourceMap map, int line)
    {
        if (stack.Count > 0 && stack.Peek().IsArray)
        {
            var (parent, isArray, next) = stack.Pop();
            stack.Push((parent, isArray, next + 1));
            string element = $"{parent}[{next}]";
            map.lines.TryAdd(element, line);
            return element;
        }
        string path = pendingName ?? "";
        pendingName = null;
        map.lines.TryAdd(path, line);
        return path;
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    private static int LineOf(List<int> starts, int offset)
    {
        int i = starts.BinarySearch(offset);
        return (i >= 0 ? i : ~i - 1) + 1;
    }
}
