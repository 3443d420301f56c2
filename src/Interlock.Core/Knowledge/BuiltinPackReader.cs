using System.Globalization;
using System.Text;
using Interlock.Knowledge.Packs;
using Interlock.Risk;

namespace Interlock.Knowledge;

/// <summary>Builds a built-in program from the data the generator stored for it (the encoding is <see cref="PackData"/>).</summary>
internal static class BuiltinPackReader
{
    // A built-in program is data read by this one loop rather than a constructor method of its own: a fresh process
    // runs shared, already bound code on a few kilobytes instead of binding hundreds of string literals one by one.
    public static ProgramSpec Read(ReadOnlySpan<byte> data)
    {
        var end = Next(data, (byte)PackData.RowSeparator);
        var program = data[..end];
        var rows = new List<CommandRow>();
        while (end < data.Length)
        {
            data = data[(end + 1)..];
            end = Next(data, (byte)PackData.RowSeparator);
            rows.Add(Row(data[..end]));
        }

        var names = Field(ref program);
        string? flags = null, valueOptions = null, execOptions = null, pairOptions = null, semantics = null;
        bool strict = false, clusters = true, detect = false;
        while (!program.IsEmpty)
        {
            var code = (char)program[0];
            var value = Field(ref program)[1..];
            switch (code)
            {
                case PackData.Strict: strict = Bool(value); break;
                case PackData.Flags: flags = value; break;
                case PackData.ValueOptions: valueOptions = value; break;
                case PackData.ExecOptions: execOptions = value; break;
                case PackData.PairOptions: pairOptions = value; break;
                case PackData.ShortFlagClusters: clusters = Bool(value); break;
                case PackData.DetectEnvironment: detect = Bool(value); break;
                case PackData.Semantics: semantics = value; break;
                default: throw Unknown(code);
            }
        }
        return new ProgramSpec(names, [.. rows])
        {
            StrictOptions = strict,
            Flags = flags ?? "",
            ValueOptions = valueOptions ?? "",
            ExecOptions = execOptions ?? "",
            PairOptions = pairOptions ?? "",
            ShortFlagClusters = clusters,
            DetectEnvironment = detect,
            Semantics = semantics,
        };
    }

    private static CommandRow Row(ReadOnlySpan<byte> row)
    {
        var path = Field(ref row);
        var cls = BuiltinPacks.Class(Number(Field(ref row)));
        var reason = Field(ref row);
        string? anyFlag = null, noFlag = null, anyArg = null, targetOptions = null, outputOptions = null, tags = null, semantics = null;
        bool targets = true, pathTargets = false, readsContent = true, shared = false, irreversible = false;
        Tier? minTier = null;
        int? outputOperand = null;
        while (!row.IsEmpty)
        {
            var code = (char)row[0];
            var value = Field(ref row)[1..];
            switch (code)
            {
                case PackData.AnyFlag: anyFlag = value; break;
                case PackData.NoFlag: noFlag = value; break;
                case PackData.AnyArg: anyArg = value; break;
                case PackData.TargetOptions: targetOptions = value; break;
                case PackData.OutputOptions: outputOptions = value; break;
                case PackData.Targets: targets = Bool(value); break;
                case PackData.PathTargets: pathTargets = Bool(value); break;
                case PackData.ReadsContent: readsContent = Bool(value); break;
                case PackData.Shared: shared = Bool(value); break;
                case PackData.Irreversible: irreversible = Bool(value); break;
                case PackData.MinTier: minTier = BuiltinPacks.Tier(Number(value)); break;
                case PackData.OutputOperand: outputOperand = Number(value); break;
                case PackData.Tags: tags = value; break;
                case PackData.Semantics: semantics = value; break;
                default: throw Unknown(code);
            }
        }
        return new CommandRow(path, cls, reason)
        {
            AnyFlag = anyFlag,
            NoFlag = noFlag,
            AnyArg = anyArg,
            TargetOptions = targetOptions,
            OutputOptions = outputOptions,
            Targets = targets,
            PathTargets = pathTargets,
            ReadsContent = readsContent,
            Shared = shared,
            Irreversible = irreversible,
            MinTier = minTier,
            OutputOperand = outputOperand,
            Tags = tags ?? "",
            Semantics = semantics,
        };
    }

    /// <summary>The text up to the next field separator (or the end), which it consumes.</summary>
    private static string Field(ref ReadOnlySpan<byte> data)
    {
        var end = Next(data, (byte)PackData.FieldSeparator);
        var text = Encoding.UTF8.GetString(data[..end]);
        data = end < data.Length ? data[(end + 1)..] : [];
        return text;
    }

    private static int Next(ReadOnlySpan<byte> data, byte separator) => data.IndexOf(separator) is var i and >= 0 ? i : data.Length;

    private static bool Bool(string value) => value == "true";

    private static int Number(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static InvalidDataException Unknown(char code) => new($"built-in pack data has an unknown field code '{code}'");
}
