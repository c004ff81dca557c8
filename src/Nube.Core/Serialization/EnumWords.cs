using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nube.Core.Serialization;

/// <summary>
/// The one mapping between enum values and the words users type: the camelCase words of
/// Nube's JSON (<c>turnOff</c>, <c>alwaysStart</c>, <c>kvm</c>), so that documents, messages,
/// the API and the CLI spell a value alike. A member's <see cref="JsonStringEnumMemberNameAttribute"/>
/// wins over its camelCase name, as it does in <see cref="NubeJson"/>.
/// </summary>
public static class EnumWords
{
    /// <summary>The value's word; a value that is not a declared member is shown as its number.</summary>
    public static string Word<T>(T value) where T : struct, Enum =>
        Table<T>.Words.TryGetValue(value, out var word) ? word : value.ToString("D");

    /// <summary>Reads a word ignoring case; numbers and unknown words are refused.</summary>
    public static bool TryParse<T>(string? word, out T value) where T : struct, Enum
    {
        foreach (var (member, memberWord) in Table<T>.Ordered)
        {
            if (string.Equals(memberWord, word, StringComparison.OrdinalIgnoreCase))
            {
                value = member;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Every word of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Table<T>.AllWords;

    private static class Table<T> where T : struct, Enum
    {
        public static readonly ImmutableArray<(T Value, string Word)> Ordered = Build();
        public static readonly ImmutableArray<string> AllWords = [.. Ordered.Select(entry => entry.Word)];
        public static readonly Dictionary<T, string> Words = Ordered
            .GroupBy(entry => entry.Value)
            .ToDictionary(group => group.Key, group => group.First().Word);

        // Metadata order is declaration order; Enum.GetValues would sort by value instead.
        private static ImmutableArray<(T, string)> Build() =>
        [
            .. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
                .OrderBy(field => field.MetadataToken)
                .Select(field => ((T)field.GetValue(null)!,
                    field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                        ?? JsonNamingPolicy.CamelCase.ConvertName(field.Name))),
        ];
    }
}
