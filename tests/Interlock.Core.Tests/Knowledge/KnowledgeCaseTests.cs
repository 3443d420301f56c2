using Interlock.Actions;
using Interlock.Core.Tests.Analysis;
using Interlock.Knowledge;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>
/// Row-by-row tests of the command knowledge tables, written as data in <c>knowledge-cases.txt</c>:
/// <c>decision | command | operation class [| cwd]</c>, one per line.
/// </summary>
public class KnowledgeCaseTests
{
    public sealed record KnowledgeCase(int Line, string Decision, string Command, string Class, string Cwd)
    {
        public override string ToString() => $"{Line}: {Command}";
    }

    private static readonly Lazy<IReadOnlyList<KnowledgeCase>> CasesLazy = new(Load);

    private static IReadOnlyList<KnowledgeCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Knowledge", "knowledge-cases.txt");
        var cases = new List<KnowledgeCase>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            // The command may itself contain '|': the decision is before the first separator, the class (and cwd) after the last ones.
            var first = line.IndexOf(" | ", StringComparison.Ordinal);
            var parts = line.Split(" | ");
            if (first < 0 || parts.Length < 3) throw new InvalidDataException($"knowledge-cases.txt:{i + 1}: expected 'decision | command | class [| cwd]'");
            string cwd = AnalysisKit.Workspace;
            int classIndex = parts.Length - 1;
            if (parts[^1].StartsWith('/'))
            {
                cwd = parts[^1].Trim();
                classIndex--;
            }
            var command = string.Join(" | ", parts[1..classIndex]).Trim();
            cases.Add(new KnowledgeCase(i + 1, parts[0].Trim(), command, parts[classIndex].Trim(), cwd));
        }
        return cases;
    }

    public static TheoryData<KnowledgeCase> Cases()
    {
        var data = new TheoryData<KnowledgeCase>();
        foreach (var c in CasesLazy.Value) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_decides_and_classifies_as_written(KnowledgeCase c)
    {
        Assert.True(Outcomes.TryParse(c.Decision, out var expected), $"line {c.Line}: unknown decision '{c.Decision}'");
        Assert.Contains(c.Class, OperationClasses.Names);
        var e = AnalysisKit.Evaluate(c.Command, c.Cwd);
        Assert.True(e.Decision.Outcome == expected && e.Classes().Contains(c.Class),
            $"line {c.Line}: `{c.Command}` expected {c.Decision} with a {c.Class} operation, got {e.Describe()}");
    }

    [Fact]
    public void Every_program_spec_has_at_least_one_case()
    {
        // A program's cases live in its built-in pack's tests (or here, for commands that start with something else).
        var firstWords = CasesLazy.Value.Select(c => c.Command)
            .Concat(BuiltinPackTests.Packs().SelectMany(p => p.Tests).Select(t => t.Command))
            .Select(command => command.Split(' ', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var missing = CommandKnowledge.Default.Programs
            .Where(spec => !spec.Names.Any(firstWords.Contains))
            .Select(spec => string.Join('/', spec.Names))
            .ToList();
        Assert.True(missing.Count == 0, "program specs without a case in their pack's tests or knowledge-cases.txt: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_wrapper_has_at_least_one_case()
    {
        var firstWords = CasesLazy.Value.Select(c => c.Command.Split(' ', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var missing = Wrappers.All.Where(w => !w.Names.Any(firstWords.Contains)).Select(w => string.Join('/', w.Names)).ToList();
        Assert.True(missing.Count == 0, "wrappers without a case in knowledge-cases.txt: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_row_semantics_name_exists()
    {
        var names = Interlock.Shell.ProgramSemantics.Names.ToHashSet(StringComparer.Ordinal);
        foreach (var spec in CommandKnowledge.Default.Programs)
        {
            if (spec.Semantics is { } s) Assert.True(names.Contains(s), $"{spec.Names[0]} names missing semantics '{s}'");
            foreach (var row in spec.Rows)
                if (row.Semantics is { } rs) Assert.True(names.Contains(rs), $"{spec.Names[0]} row '{row.Path}' names missing semantics '{rs}'");
        }
    }

    [Fact]
    public void Case_file_is_well_formed()
    {
        // Most cases moved into the built-in packs' own tests; together they must not shrink by accident.
        var total = CasesLazy.Value.Count + BuiltinPackTests.Packs().Sum(p => p.Tests.Count);
        Assert.True(CasesLazy.Value.Count >= 100 && total >= 1600, $"only {CasesLazy.Value.Count} knowledge cases here and {total} with the packs' tests");
        foreach (var c in CasesLazy.Value)
        {
            Assert.True(Outcomes.TryParse(c.Decision, out _), $"line {c.Line}: unknown decision '{c.Decision}'");
            Assert.True(OperationClasses.Names.Contains(c.Class), $"line {c.Line}: unknown class '{c.Class}'");
        }
    }
}
