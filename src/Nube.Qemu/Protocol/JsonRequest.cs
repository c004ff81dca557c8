using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nube.Qemu.Protocol;

/// <summary>Builds the one-line <c>{"execute": ..., "arguments": ..., "id": ...}</c> requests of QMP and the guest agent.</summary>
internal static class JsonRequest
{
    // The default encoder escapes HTML characters ('>' in "exec:cat > FILE" becomes \u003E); neither
    // peer is a browser, and the plain form keeps the logged requests readable.
    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // Our own argument types are source-generated; reflection is the fallback so callers can
    // pass anonymous objects or dictionaries for the many commands without a typed wrapper.
    private static readonly JsonSerializerOptions ArgumentOptions = new()
    {
        Encoder = Relaxed,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>Serializes command arguments, which both protocols require to be a JSON object.</summary>
    public static JsonElement? SerializeArguments(object? arguments)
    {
        if (arguments is null)
        {
            return null;
        }

        JsonElement element = arguments as JsonElement? ?? JsonSerializer.SerializeToElement(arguments, arguments.GetType(), ArgumentOptions);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Command arguments must serialize to a JSON object, not {element.ValueKind}.", nameof(arguments));
        }

        return element;
    }

    /// <summary>The request as UTF-8 terminated by '\n'; <paramref name="id"/> is omitted when null (the guest agent has no ids).</summary>
    public static byte[] Build(string command, JsonElement? arguments, long? id)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Relaxed }))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (arguments is { } args)
            {
                writer.WritePropertyName("arguments");
                args.WriteTo(writer);
            }

            if (id is { } value)
            {
                writer.WriteNumber("id", value);
            }

            writer.WriteEndObject();
        }

        output.Write("\n"u8);
        return output.WrittenSpan.ToArray();
    }
}
