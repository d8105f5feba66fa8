using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GenomicCode.Tests.Core;

/// <summary>
/// Finds, in compiled IL, the calls that make a TorchSharp <c>Scalar</c> nobody holds during the native call (see
/// <see cref="GenomicCode.Core.ScalarMath"/>): number-to-Scalar conversions, tensor operators taking a number, TorchSharp
/// methods that convert a number argument to a Scalar inside, and module factories whose forward does.
/// </summary>
public static class UnheldScalarScanner
{
    // Modules whose forward passes a number to one of the converting methods (nn.LeakyReLU(0.2) and kin).
    private static readonly string[] ConvertingModuleFactories =
        ["LeakyReLU", "ELU", "CELU", "Softplus", "Hardtanh", "Threshold", "Softshrink", "Hardshrink", "Softmin"];

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    private static readonly Lazy<HashSet<string>> Converting = new(ConvertingTorchSharpMethods);

    /// <summary>
    /// "Type::Method calls Target" for every hazardous call in the assembly at <paramref name="assemblyPath"/>, outside the
    /// types named in <paramref name="allowedTypes"/>; only types whose full name starts with <paramref name="typePrefix"/>.
    /// </summary>
    public static IReadOnlyList<string> Find(string assemblyPath, string typePrefix, params string[] allowedTypes)
    {
        var found = new List<string>();
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            string type = TypeName(md, typeHandle);
            if (!type.StartsWith(typePrefix, StringComparison.Ordinal) || allowedTypes.Any(a => type == a || type.StartsWith(a + "/", StringComparison.Ordinal))) continue;
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                foreach (var target in CallTargets(md, pe.GetMethodBody(method.RelativeVirtualAddress)))
                    if (IsHazard(target)) found.Add($"{type}::{md.GetString(method.Name)} calls {target}");
            }
        }
        return found;
    }

    private static bool IsHazard(string target)
    {
        if (target.StartsWith("TorchSharp.Scalar::op_Implicit(", StringComparison.Ordinal)) return true;
        if (target.StartsWith("TorchSharp.ScalarExtensionMethods::ToScalar(", StringComparison.Ordinal)) return true;
        if (target.StartsWith("TorchSharp.torch/Tensor::op_", StringComparison.Ordinal)
            && !target.StartsWith("TorchSharp.torch/Tensor::op_Implicit(", StringComparison.Ordinal)
            && !target.StartsWith("TorchSharp.torch/Tensor::op_Explicit(", StringComparison.Ordinal)
            && HasNumberParameter(target)) return true;
        if (target.StartsWith("TorchSharp.torch/nn::", StringComparison.Ordinal)
            && ConvertingModuleFactories.Any(f => target.StartsWith($"TorchSharp.torch/nn::{f}(", StringComparison.Ordinal))) return true;
        return Converting.Value.Contains(target);
    }

    private static bool HasNumberParameter(string target)
    {
        string parameters = target[(target.IndexOf('(') + 1)..^1];
        return parameters.Split(',').Any(p => p is "double" or "float" or "int" or "long" or "short" or "byte" or "sbyte");
    }

    /// <summary>TorchSharp methods with a number parameter that make a Scalar inside (leaky_relu(Tensor, double, bool) and kin).</summary>
    private static HashSet<string> ConvertingTorchSharpMethods()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var pe = new PEReader(File.OpenRead(typeof(TorchSharp.Scalar).Assembly.Location));
        var md = pe.GetMetadataReader();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            string type = TypeName(md, typeHandle);
            if (type is "TorchSharp.Scalar" or "TorchSharp.ScalarExtensionMethods") continue;
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                string self = $"{type}::{md.GetString(method.Name)}({string.Join(",", method.DecodeSignature(new SignatureNames(), null).ParameterTypes)})";
                if (!HasNumberParameter(self)) continue;
                if (CallTargets(md, pe.GetMethodBody(method.RelativeVirtualAddress)).Any(t =>
                        t.StartsWith("TorchSharp.Scalar::op_Implicit(", StringComparison.Ordinal)
                        || t.StartsWith("TorchSharp.ScalarExtensionMethods::ToScalar(", StringComparison.Ordinal)))
                    set.Add(self);
            }
        }
        return set;
    }

    /// <summary>"Namespace.Type/Nested::Name(parameter types)" of every call, callvirt, newobj, ldftn and ldvirtftn in a body.</summary>
    private static IEnumerable<string> CallTargets(MetadataReader md, MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var targets = new List<string>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            var operand = Operands[value];
            switch (operand)
            {
                case OperandType.InlineMethod:
                    targets.Add(MethodName(md, MetadataTokens.EntityHandle(il.ReadInt32())));
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

    private static string MethodName(MetadataReader md, EntityHandle handle)
    {
        var names = new SignatureNames();
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
            {
                var d = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                return $"{TypeName(md, d.GetDeclaringType())}::{md.GetString(d.Name)}({string.Join(",", d.DecodeSignature(names, null).ParameterTypes)})";
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
                return $"{parent}::{md.GetString(m.Name)}({string.Join(",", m.DecodeMethodSignature(names, null).ParameterTypes)})";
            }
            case HandleKind.MethodSpecification:
                return MethodName(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return "?";
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
