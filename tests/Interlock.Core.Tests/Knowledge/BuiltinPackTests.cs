using System.Collections.Immutable;
using Interlock.Core.Tests.TestSupport;
using Interlock.Knowledge;
using Interlock.Knowledge.Generator;
using Interlock.Knowledge.Packs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The built-in packs: the YAML in the repository is what the build compiled in, and the generator fails on a bad pack.</summary>
public sealed class BuiltinPackTests
{
    private static readonly string BuiltinDirectory = Repository.PathOf("src/Interlock.Core/Knowledge/Builtin");

    [Fact]
    public void EachBuiltinPackIsWhatTheLoaderReadsFromItsYaml()
    {
        // The generator and KnowledgePackLoader are two readers of one format: on every built-in pack they must agree,
        // program by program and row by row (the writer prints every field that differs from a default).
        var files = Directory.GetFiles(BuiltinDirectory, "*.yaml").Order(StringComparer.Ordinal).ToList();
        var compiled = Compiled();
        Assert.Equal(files.Select(Path.GetFileName), compiled.Select(p => p.File));
        foreach (var (file, (name, programs)) in files.Zip(compiled))
        {
            var loaded = KnowledgePackLoader.Load(File.ReadAllText(file), name);
            Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
            Assert.NotEmpty(programs);
            Assert.Equal(KnowledgePackWriter.Write(loaded.Pack.Programs), KnowledgePackWriter.Write(programs));
        }
    }

    [Fact]
    public void EveryBuiltinProgramComesFromAPackAndAnswersToItsNames()
    {
        var fromPacks = Compiled().SelectMany(p => p.Programs).SelectMany(p => p.Names).ToHashSet(StringComparer.Ordinal);
        var known = CommandKnowledge.Default.Programs.SelectMany(p => p.Names).ToList();
        Assert.Equal(fromPacks.Count, known.Count);
        Assert.All(known, name => Assert.Contains(name, fromPacks));
        Assert.All(known, name =>
        {
            Assert.True(CommandKnowledge.Default.TryGetProgram(name, out var spec), name);
            Assert.Contains(name, spec.Names);
            Assert.False(CommandKnowledge.Default.TryGetWrapper(name, out _), $"'{name}' is both a packed program and a wrapper");
        });
        Assert.False(CommandKnowledge.Default.Knows("flotsam-not-a-program"));
    }

    [Fact]
    public void ABuiltinProgramIsBuiltOnceAndSharedByItsNames()
    {
        Assert.True(CommandKnowledge.Default.TryGetProgram("rm", out var rm));
        Assert.True(CommandKnowledge.Default.TryGetProgram("unlink", out var unlink));
        Assert.Same(rm, unlink);
        Assert.True(CommandKnowledge.Default.TryGetProgram("rm", out var again));
        Assert.Same(rm, again);
    }

    private static List<(string File, ProgramSpec[] Programs)> Compiled() =>
        [.. BuiltinPacks.Files.Select(f => (f.File, f.Programs.Select(BuiltinPacks.Build).ToArray()))];

    /// <summary>The built-in packs as the loader reads them from the repository.</summary>
    internal static IReadOnlyList<KnowledgePack> Packs() => PacksLazy.Value;

    private static readonly Lazy<IReadOnlyList<KnowledgePack>> PacksLazy = new(() =>
        [.. Directory.GetFiles(BuiltinDirectory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => KnowledgePackLoader.Load(File.ReadAllText(f), Path.GetFileName(f)).Pack ?? throw new InvalidDataException(f))]);

    public static TheoryData<string> PackFiles() => [.. Packs().Select(p => p.File)];

    [Theory]
    [MemberData(nameof(PackFiles))]
    public void TheBuiltinPacksOwnTestsPass(string file)
    {
        // Each row's case lives beside it in its pack: the decision under the default policy and a class among the facts.
        var pack = Packs().Single(p => p.File == file);
        Assert.NotEmpty(pack.Tests);
        var failures = PackTestRunner.Run([pack], Repository.DefaultEvaluator);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void AGoodPackCompilesToTheProgramsItDescribes()
    {
        var (source, diagnostics) = Generate(("Knowledge/Builtin/flotsam.yaml", """
            version: 1
            programs:
              - names: [flotsam, fl]
                options: strict
                flags: [-q, --quiet]
                value_options: [-n, --namespace]
                pair_options: [--label]
                exec_options: [--each]
                rows:
                  - {path: "get|describe", class: read, reason: "reads backups", targets: false}
                  - {path: "delete", class: delete, reason: "deletes backups", shared: true, irreversible: true, min_tier: never, output_operand: 2, tags: "backup destructive"}
            """));
        Assert.Empty(diagnostics);
        Assert.Contains("new global::Interlock.Knowledge.ProgramSpec(\"flotsam fl\"", source, StringComparison.Ordinal);
        Assert.Contains("ValueOptions = \"-n --namespace\"", source, StringComparison.Ordinal);
        Assert.Contains("PairOptions = \"--label\"", source, StringComparison.Ordinal);
        Assert.Contains("StrictOptions = true", source, StringComparison.Ordinal);
        Assert.Contains("Flags = \"-q --quiet\"", source, StringComparison.Ordinal);
        Assert.Contains("ExecOptions = \"--each\"", source, StringComparison.Ordinal);
        Assert.Contains("OperationClass.Delete, \"deletes backups\") { Shared = true, Irreversible = true, MinTier = global::Interlock.Risk.Tier.Never, OutputOperand = 2, Tags = \"backup destructive\" }", source, StringComparison.Ordinal);
        Assert.Contains("(\"flotsam.yaml\", [0])", source, StringComparison.Ordinal);
        // Names are switched on by first character, then each bucket's own string switch.
        Assert.Contains("'f' => IndexOf102(name),", source, StringComparison.Ordinal);
        Assert.Contains("\"flotsam\" => 0,", source, StringComparison.Ordinal);
        Assert.Contains("\"fl\" => 0,", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("      - {path: \"get\", class: reed, reason: \"reads\"}", 6, 30, "unknown class 'reed'")]
    [InlineData("      - {path: \"get\", class: read, reason: \"reads\", min_tier: sometimes}", 6, 63, "unknown min_tier 'sometimes'")]
    [InlineData("      - {path: \"get\", class: read, reason: \"reads\", shred: true}", 6, 53, "unknown key 'shred' in a row")]
    [InlineData("      - {path: \"get\", class: read}", 6, 9, "a row needs 'reason'")]
    [InlineData("      - {path: \"get\", class: read, reason: \"reads\", targets: maybe}", 6, 62, "expected true or false for 'targets'")]
    [InlineData("      - {path: \"get\", class: read, reason: \"reads\"", 7, 1, "")]
    public void ABadPackIsABuildErrorAtItsPlace(string row, int line, int column, string message)
    {
        var (source, diagnostics) = Generate(("Knowledge/Builtin/bad.yaml", "version: 1\nprograms:\n  - names: [flotsam]\n    value_options: [-n]\n    rows:\n" + row + "\n"));
        var error = Assert.Single(diagnostics);
        Assert.Equal("ILK001", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        var position = error.Location.GetLineSpan();
        Assert.EndsWith("bad.yaml", position.Path, StringComparison.Ordinal);
        Assert.Equal((line, column), (position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1));
        Assert.Contains(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("", source);
    }

    [Theory]
    [InlineData("    options: loose", 4, 14, "expected strict or lenient for 'options', got 'loose'")]
    [InlineData("    flags: {a: b}", 4, 12, "expected a string or a list of strings for 'flags'")]
    [InlineData("    exec_options: {a: b}", 4, 19, "expected a string or a list of strings for 'exec_options'")]
    public void ABadOptionGrammarIsABuildErrorAtItsPlace(string grammar, int line, int column, string message)
    {
        var (source, diagnostics) = Generate(("Knowledge/Builtin/bad.yaml",
            "version: 1\nprograms:\n  - names: [flotsam]\n" + grammar + "\n    rows:\n      - {path: \"get\", class: read, reason: \"reads\"}\n"));
        var error = Assert.Single(diagnostics);
        var position = error.Location.GetLineSpan();
        Assert.Equal((line, column), (position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1));
        Assert.Contains(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("", source);
    }

    [Fact]
    public void AProgramInTwoPacksIsABuildError()
    {
        const string Pack = "version: 1\nprograms:\n  - names: [flotsam]\n    rows:\n      - {path: \"\", class: read, reason: \"reads\"}\n";
        var (_, diagnostics) = Generate(("Knowledge/Builtin/a.yaml", Pack), ("Knowledge/Builtin/b.yaml", Pack.Replace("[flotsam]", "[jetsam, flotsam]", StringComparison.Ordinal)));
        var error = Assert.Single(diagnostics);
        Assert.Contains("program 'flotsam' is described twice in the built-in packs (first in a.yaml)", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.EndsWith("b.yaml", error.Location.GetLineSpan().Path, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesOutsideTheBuiltinDirectoryAreNotPacks()
    {
        var (source, diagnostics) = Generate(("BannedSymbols.txt", "T:System.DateTime"), ("policies/other.yaml", "not: a pack"));
        Assert.Empty(diagnostics);
        Assert.Contains("ProgramCount = 0;", source, StringComparison.Ordinal);
    }

    private static (string Source, ImmutableArray<Diagnostic> Diagnostics) Generate(params (string Path, string Text)[] files)
    {
        var compilation = CSharpCompilation.Create("packs", [], [], new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new BuiltinPackGenerator())
            .AddAdditionalTexts([.. files.Select(f => (AdditionalText)new InMemoryText("/repo/src/Interlock.Core/" + f.Path, f.Text))]);
        var result = driver.RunGenerators(compilation).GetRunResult();
        var run = Assert.Single(result.Results);
        return (string.Concat(run.GeneratedSources.Select(s => s.SourceText.ToString())), run.Diagnostics);
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
