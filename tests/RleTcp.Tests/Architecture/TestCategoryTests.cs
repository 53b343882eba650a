using System.Reflection;

namespace RleTcp.Tests.Architecture;

/// <summary>
/// Every test class says what it needs, so <c>dotnet test --filter Category=Unit</c> runs the fast ones alone:
/// Unit (in process, no socket), Socket (loopback servers in process), ChildProcess (runs our executables),
/// CrossLanguage (runs Python, Node or a C tool as the reference). The default run takes them all.
/// </summary>
[Trait("Category", "Unit")]
public class TestCategoryTests
{
    private static readonly string[] Categories = ["Unit", "Socket", "ChildProcess", "CrossLanguage"];

    [Fact]
    public void EveryTestClassHasExactlyOneKnownCategory()
    {
        Type[] testClasses = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()))
            .ToArray();
        Assert.NotEmpty(testClasses);
        string[] wrong = testClasses
            .Where(t => CategoriesOf(t).Count() != 1 || !Categories.Contains(CategoriesOf(t).Single()))
            .Select(t => $"{t.FullName}: [{string.Join(", ", CategoriesOf(t))}]")
            .ToArray();
        Assert.True(wrong.Length == 0, "Test classes without exactly one known Category trait: " + string.Join("; ", wrong));
    }

    private static IEnumerable<string> CategoriesOf(Type type) => type.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
        .Select(a => (string)a.ConstructorArguments[1].Value!);
}
