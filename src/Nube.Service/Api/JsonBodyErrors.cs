using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nube.Core.Validation;

namespace Nube.Service.Api;

/// <summary>
/// What is wrong with a JSON body, as validation errors that name the field (its path as the
/// validators write it: <c>scsiControllers[0].disks[1].path</c>), the value and what the field
/// takes. Found from the contract's JSON metadata and the parsed document, never from the
/// serializer's exception text.
/// </summary>
public static class JsonBodyErrors
{
    private const int MaxShownLength = 64;

    /// <summary>Why the document could not be read into the type, from where the serializer stopped (its <c>$.a[0].b</c> path).</summary>
    public static IReadOnlyList<ValidationError> Of(string? path, JsonElement root, JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var field = "";
        var (element, info) = ((JsonElement?)root, type);
        foreach (var segment in Segments(path))
        {
            if (segment is int index)
            {
                if (info.ElementType is null)
                    break;
                info = info.Options.GetTypeInfo(info.ElementType);
                element = element is { ValueKind: JsonValueKind.Array } a && index < a.GetArrayLength() ? a[index] : null;
                field = $"{field}[{index}]";
                continue;
            }
            var name = (string)segment;
            if (info.Kind != JsonTypeInfoKind.Object)
                break;
            if (Property(info, name) is not { } property)
                return [Unknown(Join(field, name), info)];
            (element, info) = (Child(element, property.Name), info.Options.GetTypeInfo(property.PropertyType));
            field = Join(field, property.Name);
        }
        if (element is not { } value)
            return [Missing(field, info)];
        if (info.Kind == JsonTypeInfoKind.Object && value.ValueKind == JsonValueKind.Object)
        {
            List<ValidationError> errors =
            [
                .. info.Properties.Where(p => p.IsRequired && Child(value, p.Name) is null)
                    .Select(p => Missing(Join(field, p.Name), info.Options.GetTypeInfo(p.PropertyType))),
                .. value.EnumerateObject().Where(p => Property(info, p.Name) is null).Select(p => Unknown(Join(field, p.Name), info)),
            ];
            if (errors.Count > 0)
                return errors;
        }
        return [NotA(field, value, Expected(info))];
    }

    /// <summary>
    /// Null (or missing) where the contract's type says a value must be: a property not declared
    /// nullable, an item of a list. Every one at once.
    /// </summary>
    public static List<ValidationError> Nulls(object value, JsonElement element, JsonTypeInfo type)
    {
        var errors = new List<ValidationError>();
        CheckNulls(value, element, type, "", errors);
        return errors;
    }

    /// <summary><c>field: 5 is not a string</c>.</summary>
    public static ValidationError NotA(string field, JsonElement value, string expected)
    {
        var shown = Shown(value);
        return new(OrBody(field), shown, $"{OrBody(field)}: {shown} is not {expected}");
    }

    private static void CheckNulls(object value, JsonElement? element, JsonTypeInfo info, string field, List<ValidationError> errors)
    {
        if (info.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in info.Properties.Where(p => p.Get is not null))
            {
                var child = property.Get!(value);
                var path = Join(field, property.Name);
                var childInfo = info.Options.GetTypeInfo(property.PropertyType);
                var childElement = Child(element, property.Name);
                if (child is not null)
                    CheckNulls(child, childElement, childInfo, path, errors);
                else if (!property.PropertyType.IsValueType && !property.IsSetNullable)
                    errors.Add(childElement is { } given ? NotA(path, given, Expected(childInfo)) : Missing(path, childInfo));
            }
        }
        else if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } itemType && value is IEnumerable items)
        {
            var itemInfo = info.Options.GetTypeInfo(itemType);
            var index = 0;
            foreach (var item in items)
            {
                var itemElement = element is { ValueKind: JsonValueKind.Array } a && index < a.GetArrayLength() ? a[index] : (JsonElement?)null;
                if (item is not null)
                    CheckNulls(item, itemElement, itemInfo, $"{field}[{index}]", errors);
                else if (Nullable.GetUnderlyingType(itemType) is null && itemElement is { } given)
                    errors.Add(NotA($"{field}[{index}]", given, Expected(itemInfo)));
                index++;
            }
        }
    }

    private static ValidationError Missing(string field, JsonTypeInfo info) =>
        new(OrBody(field), "", $"{OrBody(field)}: missing; it takes {Expected(info)}");

    private static ValidationError Unknown(string field, JsonTypeInfo owner) =>
        new(field, "", $"{field}: not a field of this request; the fields here are {string.Join(", ", owner.Properties.Select(p => p.Name))}");

    /// <summary>What a field takes, in the words of docs/api.md's route table.</summary>
    private static string Expected(JsonTypeInfo info) => info.Kind switch
    {
        JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
        JsonTypeInfoKind.Enumerable => "an array",
        _ => Type.GetTypeCode(Nullable.GetUnderlyingType(info.Type) ?? info.Type) switch
        {
            TypeCode.String => "a string",
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ => (Nullable.GetUnderlyingType(info.Type) ?? info.Type) == typeof(Guid) ? "an id (a GUID)" : "a string",
        },
    };

    /// <summary>The value as it was sent: a scalar's JSON text (cut short), an object or array by its brackets.</summary>
    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{...}",
        JsonValueKind.Array => "[...]",
        _ when value.GetRawText() is { Length: > MaxShownLength } raw => raw[..MaxShownLength] + "...",
        _ => value.GetRawText(),
    };

    /// <summary>Property names (string) and list indexes (int) of a path such as <c>$.a[0]['b.c']</c>.</summary>
    private static IEnumerable<object> Segments(string? path)
    {
        var rest = path is ['$', ..] ? path[1..] : "";
        while (rest.Length > 0)
        {
            if (rest.StartsWith("['", StringComparison.Ordinal) && rest.IndexOf("']", 2, StringComparison.Ordinal) is var close and > 0)
            {
                yield return rest[2..close];
                rest = rest[(close + 2)..];
            }
            else if (rest[0] == '[' && rest.IndexOf(']', StringComparison.Ordinal) is var end and > 0
                && int.TryParse(rest[1..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                yield return index;
                rest = rest[(end + 1)..];
            }
            else if (rest[0] == '.')
            {
                var stop = rest.IndexOfAny(['.', '['], 1);
                yield return stop < 0 ? rest[1..] : rest[1..stop];
                rest = stop < 0 ? "" : rest[stop..];
            }
            else
            {
                yield break;
            }
        }
    }

    private static JsonPropertyInfo? Property(JsonTypeInfo info, string name) =>
        info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A member of an object as the serializer matches it (the web defaults ignore case).</summary>
    private static JsonElement? Child(JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } o)
            return null;
        foreach (var member in o.EnumerateObject())
            if (string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase))
                return member.Value;
        return null;
    }

    private static string Join(string field, string name) => field.Length == 0 ? name : $"{field}.{name}";

    private static string OrBody(string field) => field.Length == 0 ? "body" : field;
}
