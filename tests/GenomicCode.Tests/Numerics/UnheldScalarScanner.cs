using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GenomicCode.Tests.Numerics;

/// <summary>
/// Finds, in compiled IL, the calls that make a TorchSharp <c>Scalar</c> nobody holds during the native call (see
/// <see cref="GenomicCode.Numerics.ScalarMath"/>): number-to-Scalar conversions, tensor operators taking a number, TorchSharp
/// methods that convert a number argument to a Scalar inside, and module factories whose forward does.
/// </summary>
public static class UnheldScalarScanner
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    private static readonly Lazy<HashSet<string>> Converting = new(ConvertingTorchSharpMethods);

    // TorchSharp types whose step or forward (reached by a virtual call, so not through the fixed point) makes unheld
    // Scalars: Adam and the other optimizers, LeakyReLU and the other parameterised activations, BatchNorm, ...
    private static readonly Lazy<HashSet<string>> ConvertingTypes = new(() => Converting.Value
        .Where(m => m.Contains("::step(", StringComparison.Ordinal) || m.Contains("::forward(", StringComparison.Ordinal))
        .Select(m => m[..m.IndexOf("::", StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// "Type::Method calls Target" for every hazardous call in the assembly at <paramref name="assemblyPath"/>, in types whose
    /// full name starts with <paramref name="typePrefix"/>. The types named in <paramref name="scalarMakers"/> may make
    /// Scalars themselves (they hold them), but like every other type must not call TorchSharp methods that make unheld ones.
    /// </summary>
    public static IReadOnlyList<string> Find(string assemblyPath, string typePrefix, params string[] scalarMakers)
    {
        var found = new List<string>();
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            string type = TypeName(md, typeHandle);
            if (!type.StartsWith(typePrefix, StringComparison.Ordinal)) continue;
            bool maker = scalarMakers.Any(a => type == a || type.StartsWith(a + "/", StringComparison.Ordinal));
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                foreach (var call in CallTargets(md, pe.GetMethodBody(method.RelativeVirtualAddress)))
                    if (IsHazard(call) && !(maker && MakesScalar(call.Target))) found.Add($"{type}::{md.GetString(method.Name)} calls {call.Target}");
            }
        }
        return found;
    }

    private static bool IsHazard(Call call)
    {
        string target = call.Target;
        if (MakesScalar(target)) return true;
        // Making a module or optimizer whose forward or step makes unheld Scalars: new Adam(...), torch.optim.Adam(...), nn.LeakyReLU(0.2).
        string declaring = target[..target.IndexOf("::", StringComparison.Ordinal)];
        if (call.IsNew && ConvertingTypes.Value.Contains(declaring)) return true;
        if (target.StartsWith("TorchSharp.", StringComparison.Ordinal)
            && ConvertingTypes.Value.Any(t => t.EndsWith("." + call.ReturnType, StringComparison.Ordinal) || t.EndsWith("/" + call.ReturnType, StringComparison.Ordinal))) return true;
        if (target.StartsWith("TorchSharp.torch/Tensor::op_", StringComparison.Ordinal)
            && !target.StartsWith("TorchSharp.torch/Tensor::op_Implicit(", StringComparison.Ordinal)
            && !target.StartsWith("TorchSharp.torch/Tensor::op_Explicit(", StringComparison.Ordinal)
            && HasNumberParameter(target)) return true;
        return Converting.Value.Contains(target);
    }

    private static bool HasNumberParameter(string target)
    {
        string parameters = target[(target.IndexOf('(') + 1)..^1];
        return parameters.Split(',').Any(p => p is "double" or "float" or "int" or "long" or "short" or "byte" or "sbyte");
    }

    /// <summary>
    /// TorchSharp methods that make a Scalar inside and hand it to libtorch unheld (<c>leaky_relu(Tensor, double, bool)</c>,
    /// <c>add(Tensor)</c> with its implicit alpha 1, <c>square()</c> as <c>pow(2)</c>, ...), and every TorchSharp method that
    /// calls one of them (<c>operator +(Tensor, Tensor)</c> calls <c>add(Tensor)</c>): a fixed point over TorchSharp's
    /// direct calls.
    /// </summary>
    private static HashSet<string> ConvertingTorchSharpMethods()
    {
        using var pe = new PEReader(File.OpenRead(typeof(TorchSharp.Scalar).Assembly.Location));
        var md = pe.GetMetadataReader();
        var calls = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var typeHandle in md.TypeDefinitions)
        {
            string type = TypeName(md, typeHandle);
            if (type is "TorchSharp.Scalar" or "TorchSharp.ScalarExtensionMethods") continue;
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                string self = $"{type}::{md.GetString(method.Name)}({string.Join(",", method.DecodeSignature(new SignatureNames(), null).ParameterTypes)})";
                calls[self] = CallTargets(md, pe.GetMethodBody(method.RelativeVirtualAddress)).Select(c => c.Target).ToArray();
            }
        }
        var set = new HashSet<string>(StringComparer.Ordinal);
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (method, targets) in calls)
                if (!set.Contains(method) && targets.Any(t => MakesScalar(t) || set.Contains(t)))
                    grew |= set.Add(method);
        }
        return set;
    }

    private static bool MakesScalar(string target) =>
        target.StartsWith("TorchSharp.Scalar::op_Implicit(", StringComparison.Ordinal)
        || target.StartsWith("TorchSharp.ScalarExtensionMethods::ToScalar(", StringComparison.Ordinal);

    /// <summary>One call in IL: "Namespace.Type/Nested::Name(parameter types)", whether it was a newobj, and the return type's simple name.</summary>
    private sealed record Call(string Target, bool IsNew, string ReturnType);

    /// <summary>Every call, callvirt, newobj, ldftn and ldvirtftn in a body.</summary>
    private static IEnumerable<Call> CallTargets(MetadataReader md, MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var targets = new List<Call>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            var operand = Operands[value];
            switch (operand)
            {
                case OperandType.InlineMethod:
                    var (name, returns) = MethodName(md, MetadataTokens.EntityHandle(il.ReadInt32()));
                    targets.Add(new Call(name, value == OpCodes.Newobj.Value, returns));
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.ReadByte(); break;
                case OperandType.InlineVar: il.ReadInt16(); break;
                case OperandType.InlineI8 or OperandType.InlineR: il.ReadInt64(); break;
                case OperandType.InlineSwitch:
                {
                    int cases = il.ReadInt32(); // read before Offset: `Offset += 4 * ReadInt32()` would add to the old offset
                    il.Offset += 4 * cases;
                    break;
                }
                default: il.ReadInt32(); break;
            }
        }
        return targets;
    }

    private static (string Name, string ReturnType) MethodName(MetadataReader md, EntityHandle handle)
    {
        var names = new SignatureNames();
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
            {
                var d = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                var signature = d.DecodeSignature(names, null);
                return ($"{TypeName(md, d.GetDeclaringType())}::{md.GetString(d.Name)}({string.Join(",", signature.ParameterTypes)})", signature.ReturnType);
            }
            case HandleKind.MemberReference:
            {
                var m = md.GetMemberReference((MemberReferenceHandle)handle);
                string parent = m.Parent.Kind switch
                {
                    HandleKind.TypeReference => TypeName(md, (TypeReferenceHandle)m.Parent),
                    HandleKind.TypeDefinition => TypeName(md, (TypeDefinitionHandle)m.Parent),
                    _ => "?",
                };
                if (m.GetKind() != MemberReferenceKind.Method) return ($"{parent}::{md.GetString(m.Name)}", "");
                var signature = m.DecodeMethodSignature(names, null);
                return ($"{parent}::{md.GetString(m.Name)}({string.Join(",", signature.ParameterTypes)})", signature.ReturnType);
            }
            case HandleKind.MethodSpecification:
                return MethodName(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return ("?::?()", "");
        }
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var t = md.GetTypeDefinition(handle);
        var outer = t.GetDeclaringType();
        return outer.IsNil ? Join(md.GetString(t.Namespace), md.GetString(t.Name)) : TypeName(md, outer) + "/" + md.GetString(t.Name);
    }

    private static string TypeName(MetadataReader md, TypeReferenceHandle handle)
    {
        var t = md.GetTypeReference(handle);
        return t.ResolutionScope.Kind == HandleKind.TypeReference
            ? TypeName(md, (TypeReferenceHandle)t.ResolutionScope) + "/" + md.GetString(t.Name)
            : Join(md.GetString(t.Namespace), md.GetString(t.Name));
    }

    private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>Parameter types as short names: number primitives as C# keywords, other types by their simple name.</summary>
    private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode code) => code switch
        {
            PrimitiveTypeCode.Double => "double", PrimitiveTypeCode.Single => "float", PrimitiveTypeCode.Int32 => "int",
            PrimitiveTypeCode.Int64 => "long", PrimitiveTypeCode.Int16 => "short", PrimitiveTypeCode.Byte => "byte",
            PrimitiveTypeCode.SByte => "sbyte", _ => code.ToString(),
        };
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
    }
}
