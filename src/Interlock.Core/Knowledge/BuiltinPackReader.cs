using Interlock.Knowledge.Packs;
using Interlock.Risk;

namespace Interlock.Knowledge;

/// <summary>Builds a built-in program from the data the generator stored for it (the encoding is <see cref="PackData"/>).</summary>
internal static class BuiltinPackReader
{
    // A built-in program is one string read by this loop rather than a constructor method of its own: a fresh process
    // runs shared code on one literal instead of binding hundreds of literals one by one. Plain loops and Substring on
    // purpose: the first use of UTF-8 decoding or vectorized searches costs a fresh process milliseconds.
    public static ProgramSpec Read(string data)
    {
        var end = Next(data, 0, PackData.RowSeparator);
        var position = 0;
        var names = Field(data, ref position, end);
        string? flags = null, valueOptions = null, execOptions = null, pairOptions = null, semantics = null;
        bool strict = false, clusters = true, detect = false;
        while (position < end)
        {
            var code = data[position++];
            var value = Field(data, ref position, end);
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
        var rows = new List<CommandRow>();
        while (end < data.Length)
        {
            position = end + 1;
            end = Next(data, position, PackData.RowSeparator);
            rows.Add(Row(data, position, end));
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

    private static CommandRow Row(string data, int position, int end)
    {
        var path = Field(data, ref position, end);
        var cls = BuiltinPacks.Class(Number(Field(data, ref position, end)));
        var reason = Field(data, ref position, end);
        string? anyFlag = null, noFlag = null, anyArg = null, targetOptions = null, outputOptions = null, tags = null, semantics = null;
        bool targets = true, pathTargets = false, readsContent = true, shared = false, irreversible = false;
        Tier? minTier = null;
        int? outputOperand = null;
        while (position < end)
        {
            var code = data[position++];
            var value = Field(data, ref position, end);
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

    /// <summary>The text from <paramref name="position"/> to the next field separator or <paramref name="end"/>; moves past it.</summary>
    private static string Field(string data, ref int position, int end)
    {
        var stop = Math.Min(Next(data, position, PackData.FieldSeparator), end);
        var text = data.Substring(position, stop - position);
        position = stop + 1;
        return text;
    }

    private static int Next(string data, int from, char separator)
    {
        var i = from;
        while (i < data.Length && data[i] != separator) i++;
        return i;
    }

    private static bool Bool(string value) => value == "true";

    // Digits by hand: int.Parse with a culture would initialize globalization in a process that may never need it.
    private static int Number(string value)
    {
        var n = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9') throw new InvalidDataException($"built-in pack data has '{value}' where a number belongs");
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static InvalidDataException Unknown(char code) => new($"built-in pack data has an unknown field code '{code}'");
}
