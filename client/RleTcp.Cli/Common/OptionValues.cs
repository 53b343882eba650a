using System.CommandLine.Parsing;

namespace RleTcp.Cli.Common;

/// <summary>
/// Option values as validators read them. System.CommandLine converts an option's text when its value is first read
/// and throws (InvalidOperationException, with .NET type names) when the text does not convert, so a validator
/// that reads <c>--page x</c> would crash the parse; here it sees "no value" instead, and the failed conversion is
/// reported once, in our words, by <see cref="Usage.Errors"/>.
/// </summary>
internal static class OptionValues
{
    /// <summary>The value of <paramref name="result"/>, or false when the option is absent or its text does not convert.</summary>
    public static bool TryGet<T>(OptionResult? result, out T? value)
    {
        value = default;
        if (result is null)
        {
            return false;
        }

        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>What a value of <paramref name="type"/> must look like, for the usage error of one that does not convert.</summary>
    public static string Expected(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant()));
        }

        return Type.GetTypeCode(t) switch
        {
            TypeCode.Int32 => $"a whole number from {int.MinValue} to {int.MaxValue}",
            TypeCode.Int64 => $"a whole number from {long.MinValue} to {long.MaxValue}",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "a whole number in range",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            _ => "a valid value",
        };
    }
}
