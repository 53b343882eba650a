using System.Reflection;
using System.Reflection.Emit;
using RleTcp.Server.Transport;

namespace RleTcp.Tests.Architecture;

/// <summary>
/// Inside the server the namespaces point one way (docs/DESIGN.md): Hosting wires Transport and Execution, which
/// both stand on Configuration and Diagnostics, which stand on nothing of the server's. Read from the compiled
/// assembly, method bodies included, so a fully qualified name or a <c>var</c> cannot hide a dependency.
/// </summary>
[Trait("Category", "Unit")]
public class ServerLayerTests
{
    private const string Root = "RleTcp.Server";

    // Each layer and the layers it may use; anything else (a new namespace too) fails the test until it is placed here.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["RleTcp.Server"] = ["Hosting"], // Program
        ["Hosting"] = ["Transport", "Execution", "Configuration", "Diagnostics"],
        ["Transport"] = ["Execution", "Configuration", "Diagnostics"],
        ["Execution"] = ["Configuration", "Diagnostics"],
        ["Configuration"] = [],
        ["Diagnostics"] = [],
    };

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Edges = new(() => ReadEdges(typeof(RleTcpListener).Assembly));

    [Fact]
    public void EveryServerNamespaceIsAKnownLayer() =>
        Assert.All(Edges.Value.Keys, layer => Assert.True(Allowed.ContainsKey(layer), $"{layer} is not placed in the layer list"));

    [Fact]
    public void ServerNamespacesUseOnlyTheLayersBelowThem()
    {
        var wrong = Edges.Value
            .SelectMany(e => e.Value.Select(to => (From: e.Key, To: to)))
            .Where(e => Allowed.TryGetValue(e.From, out string[]? below) && !below.Contains(e.To))
            .Select(e => $"{e.From} -> {e.To}")
            .ToArray();
        Assert.True(wrong.Length == 0, "Dependencies against the layer order: " + string.Join(", ", wrong));
    }

    [Fact]
    public void ServerNamespacesFormNoCycle()
    {
        var state = new Dictionary<string, int>(); // 1 visiting, 2 done
        var path = new Stack<string>();

        string? Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (string next in Edges.Value.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return string.Join(" -> ", path.Reverse().SkipWhile(n => n != next).Append(next));
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.Pop();
            state[node] = 2;
            return null;
        }

        foreach (string node in Edges.Value.Keys.Where(n => state.GetValueOrDefault(n) == 0))
        {
            string? cycle = Visit(node);
            Assert.True(cycle is null, "Namespace cycle: " + cycle);
        }
    }

    [Fact]
    public void TheScanSeesTheDependenciesThatExist()
    {
        // Guards the scanner itself: these edges exist today, so a scanner that saw nothing would fail here.
        Assert.Contains("Transport", Edges.Value["Hosting"]);
        Assert.Contains("Execution", Edges.Value["Transport"]);
        Assert.Contains("Diagnostics", Edges.Value["Transport"]);
        Assert.Contains("Configuration", Edges.Value["Execution"]);
    }

    // Layer → the other server layers its types name in signatures, fields, base types and method bodies.
    private static Dictionary<string, HashSet<string>> ReadEdges(Assembly assembly)
    {
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (Type type in assembly.GetTypes())
        {
            string? from = LayerOf(type);
            if (from is null)
            {
                continue;
            }

            HashSet<string> to = edges.TryGetValue(from, out HashSet<string>? set) ? set : edges[from] = [];
            foreach (Type used in TypesUsedBy(type))
            {
                if (LayerOf(used) is { } layer && layer != from)
                {
                    to.Add(layer);
                }
            }
        }

        return edges;
    }

    // The layer of a server type: the namespace below RleTcp.Server, of the outermost type (compiler-generated state
    // machines and closures are nested in the type whose code they hold).
    private static string? LayerOf(Type type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType!;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            type = type.GetGenericTypeDefinition();
        }

        string? ns = type.Namespace;
        if (ns is null || type.Assembly != typeof(RleTcpListener).Assembly)
        {
            return null;
        }

        if (ns == Root)
        {
            return Root;
        }

        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;
    }

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var used = new List<Type>();
        if (type.BaseType is not null)
        {
            used.Add(type.BaseType);
        }

        used.AddRange(type.GetInterfaces());
        used.AddRange(type.GetFields(all).Select(f => f.FieldType));
        used.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
        foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                used.Add(info.ReturnType);
            }

            used.AddRange(method.GetParameters().Select(p => p.ParameterType));
            used.AddRange(TypesInBody(method));
        }

        return used.SelectMany(Expand);
    }

    // A type and the types it is built from: element types of arrays, by-refs and pointers, generic arguments.
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (Type inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (Type inner in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    // The declaring types of every type, field and method token in the method's IL, and its locals' types.
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        MethodBody? body = method.GetMethodBody();
        byte[]? il = body?.GetILAsByteArray();
        if (body is null || il is null)
        {
            yield break;
        }

        foreach (LocalVariableInfo local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineType or OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok)
            {
                MemberInfo member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments)!;
                if (member is Type resolved)
                {
                    yield return resolved;
                }
                else if (member.DeclaringType is { } owner)
                {
                    yield return owner;
                    if (member is MethodInfo called)
                    {
                        yield return called.ReturnType;
                        foreach (ParameterInfo p in called.GetParameters())
                        {
                            yield return p.ParameterType;
                        }
                    }
                }
            }

            at += size;
        }
    }
}
