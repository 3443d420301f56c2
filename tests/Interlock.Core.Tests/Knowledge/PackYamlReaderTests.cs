using System.Text;
using Interlock.Core.Tests.TestSupport;
using Interlock.Knowledge.Packs;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>
/// The fast pack reader against YamlDotNet: on every built-in pack and on mutated ones it either declines or gives the
/// same events (type, value, style, marks), and it declines wherever YamlDotNet throws.
/// </summary>
public sealed class PackYamlReaderTests
{
    private static readonly string[] BuiltinFiles =
        [.. Directory.GetFiles(Repository.PathOf("src/Interlock.Core/Knowledge/Builtin"), "*.yaml").Order(StringComparer.Ordinal)];

    // Block-style rows and tests (as docs/analysis.md shows them), which the built-ins, all flow rows, do not use.
    private const string BlockStyle = """
        # A user pack in block style.
        version: 1
        programs:
          - names: [flotsam, 'jetsam']
            value_options: [-n, --namespace, --kubeconfig]
            detect_environment: true
            rows:
              - path: "backup get|backup describe"   # reads
                class: read
                reason: reads backups and schedules
                targets: false
              - path: 'it''s "here"'
                class: delete
                reason: "deletes \"backups\" \\ for good"
                any_flag: [--force, -f]
                tags: destructive
              - {path: "x", class: read, reason: r, args: [a, b], nested: {k: v}}
        tests:
          - command: flotsam backup get
            decision: allow

          - command: "flotsam -n prod backup delete nightly"
            decision: deny
        """;

    [Fact]
    public void EveryBuiltinPackIsReadFastAndAsYamlDotNetReadsIt()
    {
        var accepted = 0;
        foreach (var file in BuiltinFiles)
        {
            var text = File.ReadAllText(file);
            if (Compare(text, Path.GetFileName(file))) accepted++;
        }
        Assert.True(Compare(BlockStyle, "block style"), "the block-style sample was declined");
        // The fast path is useless unless it takes the packs people write: every built-in one.
        Assert.Equal(BuiltinFiles.Length, accepted);
    }

    [Fact]
    public void MutatedPacksAreReadAsYamlDotNetReadsThemOrDeclined()
    {
        var random = new Random(20261207);
        var sources = BuiltinFiles.Select(File.ReadAllText).Append(BlockStyle).ToList();
        int cases = 0, accepted = 0, threw = 0;
        for (var round = 0; round < 1500; round++)
        {
            var source = sources[random.Next(sources.Count)];
            // Whole packs with a few edits, and short slices (more edits, smaller streams) to reach more shapes.
            var text = round % 3 == 0 ? source : Slice(source, random);
            var edits = round % 3 == 0 ? random.Next(1, 3) : random.Next(1, 5);
            for (var e = 0; e < edits; e++) text = Mutate(text, random);
            cases++;
            if (Compare(text, $"mutation {round}")) accepted++;
            if (Throws(text)) threw++;
        }
        // The mutations must reach both sides: texts the fast path takes and texts YamlDotNet rejects.
        Assert.True(accepted > cases / 8, $"only {accepted} of {cases} mutated packs were read fast");
        Assert.True(threw > cases / 10, $"only {threw} of {cases} mutated packs were invalid YAML");
    }

    [Theory]
    [InlineData("version: 1\nprograms:\n- names: x\n")]
    [InlineData("version: 1\nprograms:\n")]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: !tag 1\n")]
    [InlineData("a: |\n  text\n")]
    [InlineData("a: b\n  c\n")]
    [InlineData("a: \"b\n  c\"\n")]
    [InlineData("a: b\r\n")]
    [InlineData("\ufeffa: b\n")]
    [InlineData("a:\tb\n")]
    [InlineData("? a\n: b\n")]
    [InlineData("a: 1\n---\nb: 2\n")]
    [InlineData("a: \"\\x41\"\n")]
    [InlineData("a: [b,]\n")]
    [InlineData("a: {b}\n")]
    public void TextOutsideTheSubsetIsDeclined(string text) => Assert.Null(PackYamlReader.Read(text));

    [Theory]
    [InlineData("a: b")]
    [InlineData("a: b\n")]
    [InlineData("---\na:\n  b: [c, 'd', \"e\"]   # x\n  f:\n    - g\n    - {h: i}\n# end")]
    [InlineData("  a: b\n  c:\n    - d\n")]
    [InlineData("a: {b: [c,\n     d], e: f}\nz: y")]
    [InlineData("a: b # c")]
    [InlineData("a: []\nb: {}\n")]
    [InlineData("a:\n  - b\n  -   c: d\n      e: f\n")]
    [InlineData("a: x:y\nb: -c\n")]
    public void SmallShapesMatchYamlDotNet(string text) => Assert.True(Compare(text, text), $"declined: {text}");

    /// <summary>Whether the fast reader took the text; fails the test when it took it and disagrees with YamlDotNet.</summary>
    private static bool Compare(string text, string name)
    {
        var fast = PackYamlReader.Read(text);
        if (fast is null) return false;
        var slow = new List<ParsingEvent>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext()) slow.Add(parser.Current!);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            Assert.Fail($"{name}: the fast reader accepted a text YamlDotNet rejects ({ex.Message}):\n{text}");
        }
        for (var i = 0; i < Math.Min(fast.Count, slow.Count); i++)
        {
            var (f, s) = (Describe(fast[i]), Describe(slow[i]));
            if (f != s) Assert.Fail($"{name}: event {i} differs\n fast: {f}\n yaml: {s}\n{text}");
        }
        Assert.True(fast.Count == slow.Count, $"{name}: {fast.Count} events fast, {slow.Count} from YamlDotNet\n{text}");
        return true;
    }

    private static bool Throws(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext()) { }
            return false;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            return true;
        }
    }

    private static string Describe(ParsingEvent e)
    {
        var marks = $"{e.Start.Index}/{e.Start.Line}:{e.Start.Column}-{e.End.Index}/{e.End.Line}:{e.End.Column}";
        var what = e switch
        {
            Scalar s => $"scalar '{s.Value}' {s.Style} key={s.IsKey} tag='{s.Tag}' anchor='{s.Anchor}' plain={s.IsPlainImplicit} quoted={s.IsQuotedImplicit}",
            MappingStart m => $"mapping {m.Style} implicit={m.IsImplicit} tag='{m.Tag}' anchor='{m.Anchor}'",
            SequenceStart q => $"sequence {q.Style} implicit={q.IsImplicit} tag='{q.Tag}' anchor='{q.Anchor}'",
            DocumentStart d => $"document implicit={d.IsImplicit} version={d.Version?.Version} tags={string.Join(",", d.Tags?.Select(t => t.Handle + "=" + t.Prefix) ?? [])}",
            DocumentEnd d => $"document-end implicit={d.IsImplicit}",
            _ => e.GetType().Name,
        };
        return $"{what} @{marks}";
    }

    private static string Slice(string text, Random random)
    {
        var lines = text.Split('\n');
        var start = random.Next(lines.Length);
        var count = random.Next(3, 25);
        return string.Join('\n', lines.Skip(start).Take(count)) + (random.Next(2) == 0 ? "\n" : "");
    }

    private static readonly string[] Pieces = [":", "-", "'", "\"", "#", "{", "}", "[", "]", ",", " ", "  ", "\n", "\t", "\\", "?", "&", "*", "!", "|", "x", ": ", "- ", "''", "\\\""];

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0) return Pieces[random.Next(Pieces.Length)];
        var at = random.Next(text.Length + 1);
        var b = new StringBuilder(text);
        switch (random.Next(5))
        {
            case 0:
                if (at < text.Length) b.Remove(at, 1);
                break;
            case 1:
                b.Insert(at, Pieces[random.Next(Pieces.Length)]);
                break;
            case 2:
                if (at < text.Length) b[at] = Pieces[random.Next(Pieces.Length)][0];
                break;
            default:
                // Indentation: add or remove two spaces at a line's start.
                var lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
                if (random.Next(2) == 0) b.Insert(lineStart, "  ");
                else if (text.AsSpan(lineStart).StartsWith("  ")) b.Remove(lineStart, 2);
                break;
        }
        return b.ToString();
    }
}
