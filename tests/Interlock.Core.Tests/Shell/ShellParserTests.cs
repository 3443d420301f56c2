using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

public class ShellParserTests
{
    private static ShellScript Ok(string text)
    {
        var r = ShellParser.Parse(text);
        Assert.True(r.Success, $"expected success for <{text}> but got: {r.Error} at {r.ErrorPosition} (budget {r.BudgetExceeded})");
        Assert.Null(r.Error);
        Assert.Equal(-1, r.ErrorPosition);
        return r.Script;
    }

    private static string Dump(string text) => ShellDump.Script(Ok(text));

    private static SimpleCommand Simple(string text)
    {
        var s = Ok(text);
        Assert.Single(s.Items);
        Assert.Single(s.Items[0].Pipelines);
        Assert.Single(s.Items[0].Pipelines[0].Commands);
        return Assert.IsType<SimpleCommand>(s.Items[0].Pipelines[0].Commands[0]);
    }

    private static ShellWord Word(string text, int index = 0) => Simple(text).Words[index];

    private static ShellParseResult Err(string text)
    {
        var r = ShellParser.Parse(text);
        Assert.False(r.Success, $"expected an error for <{text}>");
        Assert.NotNull(r.Error);
        Assert.Null(r.BudgetExceeded);
        Assert.InRange(r.ErrorPosition, 0, text.Length);
        return r;
    }

    // ───────────── words and quoting ─────────────

    [Theory]
    [InlineData("echo hello", "echo", "hello")]
    [InlineData("r''m -rf /", "rm", "-rf")]
    [InlineData("\"r\"m x", "rm", "x")]
    [InlineData("\\rm x", "rm", "x")]
    [InlineData("\\r\\m x", "rm", "x")]
    [InlineData("'rm' x", "rm", "x")]
    [InlineData("r\"\"m x", "rm", "x")]
    [InlineData("$'rm' x", "rm", "x")]
    [InlineData("$\"rm\" x", "rm", "x")]
    [InlineData("echo 'a b'", "echo", "a b")]
    [InlineData("echo \"a  b\"", "echo", "a  b")]
    [InlineData("echo a\\ b", "echo", "a b")]
    [InlineData("echo ''", "echo", "")]
    [InlineData("echo \"\"", "echo", "")]
    [InlineData("echo a#b", "echo", "a#b")]
    [InlineData("echo \"a'b\"", "echo", "a'b")]
    [InlineData("echo 'a\"b'", "echo", "a\"b")]
    [InlineData("echo \"a\\\"b\"", "echo", "a\"b")]
    [InlineData("echo \"a\\nb\"", "echo", "a\\nb")]
    [InlineData("echo \"a\\\\b\"", "echo", "a\\b")]
    [InlineData("echo \"\\$x\"", "echo", "$x")]
    [InlineData("echo '\\$x'", "echo", "\\$x")]
    [InlineData("echo $", "echo", "$")]
    [InlineData("echo a$", "echo", "a$")]
    [InlineData("echo $%", "echo", "$%")]
    [InlineData("echo {a,b}", "echo", "{a,b}")]
    [InlineData("echo a=b", "echo", "a=b")]
    [InlineData("echo *.txt", "echo", "*.txt")]
    public void StaticWords(string text, string first, string second)
    {
        var cmd = Simple(text);
        Assert.Equal(first, cmd.Words[0].StaticText);
        Assert.Equal(second, cmd.Words[1].StaticText);
    }

    [Fact]
    public void EmptyQuotesInsideWordDisappear()
    {
        var w = Word("r''m");
        Assert.Equal("rm", w.StaticText);
        var lit = Assert.IsType<LiteralPart>(Assert.Single(w.Parts));
        Assert.False(lit.Quoted);
    }

    [Fact]
    public void QuotedFlagsAndMerging()
    {
        var w = Word("a'b'\"c\"d");
        Assert.Collection(
            w.Parts,
            p => Assert.Equal(new LiteralPart("a", false), p),
            p => Assert.Equal(new LiteralPart("bc", true), p),
            p => Assert.Equal(new LiteralPart("d", false), p));
        Assert.Equal("abcd", w.StaticText);

        var escaped = Word("\\rm");
        Assert.Collection(
            escaped.Parts,
            p => Assert.Equal(new LiteralPart("r", true), p),
            p => Assert.Equal(new LiteralPart("m", false), p));

        var plain = Word("hello");
        Assert.Equal(new LiteralPart("hello", false), Assert.Single(plain.Parts));
    }

    [Fact]
    public void EmptyQuotedWordHasOneEmptyQuotedPart()
    {
        var cmd = Simple("echo '' \"\"");
        Assert.Equal(new LiteralPart("", true), Assert.Single(cmd.Words[1].Parts));
        Assert.Equal(new LiteralPart("", true), Assert.Single(cmd.Words[2].Parts));
    }

    [Fact]
    public void LineContinuationDisappears()
    {
        Assert.Equal("[rm -rf /]", Dump("r\\\nm -rf \\\n /"));
        Assert.Equal("[echo ab]", Dump("echo \"a\\\nb\""));
        Assert.Equal("[echo a\\\nb]", Dump("echo 'a\\\nb'"));
    }

    [Theory]
    [InlineData("$'a\\nb'", "a\nb")]
    [InlineData("$'a\\tb'", "a\tb")]
    [InlineData("$'\\\\'", "\\")]
    [InlineData("$'it\\'s'", "it's")]
    [InlineData("$'\\\"'", "\"")]
    [InlineData("$'\\x72\\x6d'", "rm")]
    [InlineData("$'\\x7'", "\u0007")]
    [InlineData("$'\\162\\155'", "rm")]
    [InlineData("$'\\0162'", "\u000e" + "2")]
    [InlineData("$'\\u0072m'", "rm")]
    [InlineData("$'\\U0001F600'", "\U0001F600")]
    [InlineData("$'\\e[0m'", "\u001b[0m")]
    [InlineData("$'\\a\\b\\f\\v\\r'", "\a\b\f\v\r")]
    [InlineData("$'\\cA'", "\u0001")]
    [InlineData("$'\\q'", "\\q")]
    [InlineData("$'rm\\0 -rf'", "rm")]
    [InlineData("$'\\xZ'", "\\xZ")]
    [InlineData("$''", "")]
    public void AnsiCDecoding(string word, string expected)
    {
        var w = Word(word);
        Assert.Equal(expected, w.StaticText);
        Assert.All(w.Parts, p => Assert.True(p.Quoted));
    }

    [Fact]
    public void AnsiCOnlyOutsideDoubleQuotes()
    {
        Assert.Equal("$'x'", Word("\"$'x'\"").StaticText);
    }

    // ───────────── tilde ─────────────

    [Fact]
    public void Tilde()
    {
        var w = Word("~/.aws/credentials");
        Assert.Collection(
            w.Parts,
            p => Assert.Equal(new TildePart(""), p),
            p => Assert.Equal(new LiteralPart("/.aws/credentials", false), p));
        Assert.Null(w.StaticText);

        Assert.Equal(new TildePart("root"), Word("~root/x").Parts[0]);
        Assert.Equal(new TildePart(""), Assert.Single(Word("~").Parts));
        Assert.Equal("a~b", Word("a~b").StaticText);
        Assert.Equal("~/x", Word("'~'/x").StaticText);
        Assert.Equal("~/x", Word("\\~/x").StaticText);
        Assert.Equal("x=~/y", Simple("echo x=~/y").Words[1].StaticText);
    }

    [Fact]
    public void TildeInAssignmentValues()
    {
        var a = Simple("PATH=~/bin:~root/bin:/usr/bin").Assignments[0];
        Assert.Equal("PATH", a.Name);
        Assert.Collection(
            a.Value.Parts,
            p => Assert.Equal(new TildePart(""), p),
            p => Assert.Equal(new LiteralPart("/bin:", false), p),
            p => Assert.Equal(new TildePart("root"), p),
            p => Assert.Equal(new LiteralPart("/bin:/usr/bin", false), p));
    }

    // ───────────── parameters ─────────────

    [Theory]
    [InlineData("$HOME", "HOME", null)]
    [InlineData("${HOME}", "HOME", null)]
    [InlineData("$1", "1", null)]
    [InlineData("$9", "9", null)]
    [InlineData("${10}", "10", null)]
    [InlineData("$@", "@", null)]
    [InlineData("$*", "*", null)]
    [InlineData("$#", "#", null)]
    [InlineData("$?", "?", null)]
    [InlineData("$$", "$", null)]
    [InlineData("$!", "!", null)]
    [InlineData("$-", "-", null)]
    [InlineData("$0", "0", null)]
    [InlineData("${#}", "#", null)]
    [InlineData("${#x}", "x", "length")]
    [InlineData("${#arr[@]}", "arr[@]", "length")]
    [InlineData("${!ref}", "ref", "indirect")]
    [InlineData("${!pre*}", "pre*", "indirect")]
    [InlineData("${arr[0]}", "arr[0]", null)]
    [InlineData("${arr[@]}", "arr[@]", null)]
    public void Parameters(string word, string name, string? op)
    {
        var p = Assert.IsType<ParameterPart>(Assert.Single(Word(word).Parts));
        Assert.Equal(name, p.Name);
        Assert.Equal(op, p.Operator);
        Assert.Null(p.Argument);
        Assert.False(p.Quoted);
    }

    [Theory]
    [InlineData("${x:-/tmp}", ":-", "/tmp")]
    [InlineData("${x-/tmp}", "-", "/tmp")]
    [InlineData("${x:=a b}", ":=", "a b")]
    [InlineData("${x=v}", "=", "v")]
    [InlineData("${x:?msg}", ":?", "msg")]
    [InlineData("${x?msg}", "?", "msg")]
    [InlineData("${x:+alt}", ":+", "alt")]
    [InlineData("${x+alt}", "+", "alt")]
    [InlineData("${x#*/}", "#", "*/")]
    [InlineData("${x##*/}", "##", "*/")]
    [InlineData("${x%.*}", "%", ".*")]
    [InlineData("${x%%.*}", "%%", ".*")]
    [InlineData("${x/a/b}", "/", "a/b")]
    [InlineData("${x//a/b}", "//", "a/b")]
    [InlineData("${x^^}", "^^", "")]
    [InlineData("${x,,}", ",,", "")]
    [InlineData("${x:1:2}", ":", "1:2")]
    [InlineData("${x:-'a b'}", ":-", "a b")]
    [InlineData("${x:-{a}}", ":-", "{a}")]
    [InlineData("${x:-\\}}", ":-", "}")]
    public void ParameterOperators(string word, string op, string arg)
    {
        var p = Assert.IsType<ParameterPart>(Assert.Single(Word(word).Parts));
        Assert.Equal("x", p.Name);
        Assert.Equal(op, p.Operator);
        Assert.NotNull(p.Argument);
        Assert.Equal(arg, p.Argument!.StaticText);
    }

    [Fact]
    public void ParameterArgumentWithNestedExpansions()
    {
        var p = Assert.IsType<ParameterPart>(Assert.Single(Word("${x:-$(rm -rf /)}").Parts));
        var cs = Assert.IsType<CommandSubstitutionPart>(Assert.Single(p.Argument!.Parts));
        Assert.Equal("[rm -rf /]", ShellDump.Script(cs.Script));

        var nested = Assert.IsType<ParameterPart>(Assert.Single(Word("${a:-${b:-$HOME}}").Parts));
        Assert.Equal("${b:-${HOME}}", ShellDump.Word(nested.Argument!));

        var quoted = Word("\"${x:-\"a b\"}\"");
        var qp = Assert.IsType<ParameterPart>(Assert.Single(quoted.Parts));
        Assert.True(qp.Quoted);
        Assert.Equal("a b", qp.Argument!.StaticText);
    }

    [Fact]
    public void HomeThenPath()
    {
        var w = Word("\"$HOME\"/x");
        Assert.Collection(
            w.Parts,
            p => Assert.Equal(new ParameterPart("HOME", null, null, true), p),
            p => Assert.Equal(new LiteralPart("/x", false), p));
        Assert.Null(w.StaticText);

        var inside = Word("\"$HOME/x y\"");
        Assert.Collection(
            inside.Parts,
            p => Assert.Equal(new ParameterPart("HOME", null, null, true), p),
            p => Assert.Equal(new LiteralPart("/x y", true), p));
        Assert.Equal("${USER}_x", ShellDump.Word(Word("${USER}_x")));
        Assert.Equal("${USER_x}", ShellDump.Word(Word("$USER_x")));
    }

    [Fact]
    public void BadSubstitutionIsAnError()
    {
        Err("echo ${}");
        Err("echo ${x");
        Err("echo ${x:-abc");
        Err("echo ${#x:-a}");
    }

    [Fact]
    public void FunsubIsCommandSubstitution()
    {
        var cs = Assert.IsType<CommandSubstitutionPart>(Assert.Single(Word("${ rm -rf /; }").Parts));
        Assert.Equal("[rm -rf /]", ShellDump.Script(cs.Script));
        Assert.IsType<CommandSubstitutionPart>(Assert.Single(Word("${| REPLY=x; }").Parts));
    }

    // ───────────── substitutions ─────────────

    [Theory]
    [InlineData("$(echo rm) -rf /", "[$([echo rm]) -rf /]")]
    [InlineData("echo $(a $(b))", "[echo $([a $([b])])]")]
    [InlineData("echo $(a; b && c | d)", "[echo $([a]; [b] && [c] | [d])]")]
    [InlineData("echo $(\n  rm x\n)", "[echo $([rm x])]")]
    [InlineData("echo $(echo ')')", "[echo $([echo )])]")]
    [InlineData("echo $(echo \")\")", "[echo $([echo )])]")]
    [InlineData("echo $(case x in a) rm;; esac)", "[echo $(Case{x a | [rm]})]")]
    [InlineData("echo $(case x in (a) rm;; esac)", "[echo $(Case{x a | [rm]})]")]
    [InlineData("echo $( (rm) )", "[echo $(Subshell{ | [rm]})]")]
    [InlineData("echo $((1+2))", "[echo $((1+2))]")]
    [InlineData("echo $(( (1+2) * 3 ))", "[echo $(( (1+2) * 3 ))]")]
    [InlineData("echo $((echo a); (echo b))", "[echo $(Subshell{ | [echo a]}; Subshell{ | [echo b]})]")]
    [InlineData("echo $[1+2]", "[echo $((1+2))]")]
    [InlineData("echo `echo rm`", "[echo `[echo rm]`]")]
    [InlineData("echo `echo \\`rm -rf /\\``", "[echo `[echo `[rm -rf /]`]`]")]
    [InlineData("echo `echo \\$HOME`", "[echo `[echo ${HOME}]`]")]
    [InlineData("echo \"`echo \\\"a b\\\"`\"", "[echo `[echo a b]`]")]
    [InlineData("diff <(ls a) >(wc -l)", "[diff <([ls a]) >([wc -l])]")]
    [InlineData("cat a<(ls)", "[cat a<([ls])]")]
    [InlineData("echo \"x$(rm)y\"", "[echo x$([rm])y]")]
    [InlineData("echo $(# comment\nrm)", "[echo $([rm])]")]
    public void Substitutions(string text, string expected) => Assert.Equal(expected, Dump(text));

    [Fact]
    public void SubstitutionFlags()
    {
        var w = Word("\"$(a)\"`b`");
        var q = Assert.IsType<CommandSubstitutionPart>(w.Parts[0]);
        Assert.True(q.Quoted);
        Assert.False(q.Backtick);
        var bt = Assert.IsType<CommandSubstitutionPart>(w.Parts[1]);
        Assert.False(bt.Quoted);
        Assert.True(bt.Backtick);

        var ps = Assert.IsType<ProcessSubstitutionPart>(Assert.Single(Word("<(x)").Parts));
        Assert.True(ps.Input);
        Assert.False(Assert.IsType<ProcessSubstitutionPart>(Assert.Single(Word(">(x)").Parts)).Input);
    }

    [Fact]
    public void ArithmeticExposesSubstitutions()
    {
        var a = Assert.IsType<ArithmeticPart>(Assert.Single(Word("$(( $(rm -rf /) + $x ))").Parts));
        Assert.Equal(" $(rm -rf /) + $x ", a.Expression);
        Assert.Collection(
            a.Expansions,
            p => Assert.Equal("[rm -rf /]", ShellDump.Script(Assert.IsType<CommandSubstitutionPart>(p).Script)),
            p => Assert.Equal("x", Assert.IsType<ParameterPart>(p).Name));
        Assert.True(Assert.IsType<ArithmeticPart>(Assert.Single(Word("\"$((1))\"").Parts)).Quoted);
    }

    [Fact]
    public void SubscriptsExposeSubstitutions()
    {
        var p = Assert.IsType<ParameterPart>(Assert.Single(Word("${a[$(rm -rf /)]}").Parts));
        Assert.Equal("a[$(rm -rf /)]", p.Name);
        var cs = Assert.IsType<CommandSubstitutionPart>(Assert.Single(p.SubscriptExpansions));
        Assert.Equal("[rm -rf /]", ShellDump.Script(cs.Script));

        var a = Assert.Single(Simple("a[`rm x`]=1").Assignments);
        Assert.Equal("a[`rm x`]", a.Name);
        Assert.IsType<CommandSubstitutionPart>(Assert.Single(a.SubscriptExpansions));
        Assert.Empty(Assert.IsType<ParameterPart>(Assert.Single(Word("${a[1]}").Parts)).SubscriptExpansions);
    }

    // ───────────── comments ─────────────

    [Theory]
    [InlineData("echo a # rm -rf /", "[echo a]")]
    [InlineData("# only a comment", "")]
    [InlineData("echo a#b", "[echo a#b]")]
    [InlineData("echo '#x' \"#y\" \\#z", "[echo #x #y #z]")]
    [InlineData("echo a;# rm\nls", "[echo a]; [ls]")]
    [InlineData("echo a # c1\n# c2\nls # c3", "[echo a]; [ls]")]
    [InlineData("echo $#", "[echo ${#}]")]
    public void Comments(string text, string expected) => Assert.Equal(expected, Dump(text));

    // ───────────── operators ─────────────

    [Theory]
    [InlineData("a | b | c", "[a] | [b] | [c]")]
    [InlineData("a |& b", "[a] | [b]")]
    [InlineData("a && b || c", "[a] && [b] || [c]")]
    [InlineData("a; b", "[a]; [b]")]
    [InlineData("a & b", "[a] &; [b]")]
    [InlineData("a &", "[a] &")]
    [InlineData("a\nb\n\nc", "[a]; [b]; [c]")]
    [InlineData("a &&\n b", "[a] && [b]")]
    [InlineData("a ||\n\n b", "[a] || [b]")]
    [InlineData("a |\n b", "[a] | [b]")]
    [InlineData("! a | b", "! [a] | [b]")]
    [InlineData("! ! a", "[a]")]
    [InlineData("a && ! b", "[a] && ! [b]")]
    [InlineData("echo !x", "[echo !x]")]
    [InlineData("a;b&&c||d|e&", "[a]; [b] && [c] || [d] | [e] &")]
    [InlineData("time rm -rf /", "[rm -rf /]")]
    [InlineData("time -p rm x", "[rm x]")]
    [InlineData("echo a;", "[echo a]")]
    [InlineData("  \n\t echo a \n\n", "[echo a]")]
    [InlineData("", "")]
    [InlineData("echo a\\", "[echo a\\]")]
    [InlineData("a&&b||c", "[a] && [b] || [c]")]
    public void Operators(string text, string expected) => Assert.Equal(expected, Dump(text));

    [Fact]
    public void BackgroundFlag()
    {
        var s = Ok("a & b");
        Assert.True(s.Items[0].Background);
        Assert.False(s.Items[1].Background);
        Assert.Equal([AndOrOperator.And, AndOrOperator.Or], Ok("a && b || c").Items[0].Operators);
        Assert.True(Ok("! a").Items[0].Pipelines[0].Negated);
    }

    [Fact]
    public void BashCIsJustWords()
    {
        var cmd = Simple("bash -c 'rm -rf /'");
        Assert.Equal(["bash", "-c", "rm -rf /"], cmd.Words.Select(w => w.StaticText));
    }

    // ───────────── redirections ─────────────

    [Theory]
    [InlineData("cat <in", null, RedirectionOperator.Input, "in")]
    [InlineData("echo >out", null, RedirectionOperator.Output, "out")]
    [InlineData("echo > out", null, RedirectionOperator.Output, "out")]
    [InlineData("echo >>out", null, RedirectionOperator.Append, "out")]
    [InlineData("echo >|out", null, RedirectionOperator.Clobber, "out")]
    [InlineData("cat <>f", null, RedirectionOperator.ReadWrite, "f")]
    [InlineData("cat <&0", null, RedirectionOperator.DuplicateInput, "0")]
    [InlineData("echo >&2", null, RedirectionOperator.DuplicateOutput, "2")]
    [InlineData("cmd 2>&1", 2, RedirectionOperator.DuplicateOutput, "1")]
    [InlineData("cmd 2>err", 2, RedirectionOperator.Output, "err")]
    [InlineData("cmd 2>>err", 2, RedirectionOperator.Append, "err")]
    [InlineData("cmd 3<in", 3, RedirectionOperator.Input, "in")]
    [InlineData("cmd 10>f", 10, RedirectionOperator.Output, "f")]
    [InlineData("cmd &>f", null, RedirectionOperator.OutputAndError, "f")]
    [InlineData("cmd &>>f", null, RedirectionOperator.AppendOutputAndError, "f")]
    [InlineData("cmd 1>&-", 1, RedirectionOperator.DuplicateOutput, "-")]
    [InlineData("cat <<<'hello world'", null, RedirectionOperator.HereString, "hello world")]
    [InlineData("cat <<< word", null, RedirectionOperator.HereString, "word")]
    [InlineData("echo >'/etc/pass wd'", null, RedirectionOperator.Output, "/etc/pass wd")]
    public void Redirections(string text, int? fd, RedirectionOperator op, string target)
    {
        var cmd = Simple(text);
        var r = Assert.Single(cmd.Redirections);
        Assert.Equal(fd, r.Fd);
        Assert.Equal(op, r.Operator);
        Assert.Equal(target, r.Target.StaticText);
        Assert.Null(r.HereDocument);
    }

    [Theory]
    [InlineData(">out echo a", "[echo a >out]")]
    [InlineData("echo >out a 2>&1 b", "[echo a b >out 2>&1]")]
    [InlineData("echo 2 > x", "[echo 2 >x]")]
    [InlineData("echo a2>x", "[echo a2 >x]")]
    [InlineData("echo 2\\>x", "[echo 2>x]")]
    [InlineData("echo '2'>x", "[echo 2 >x]")]
    [InlineData("echo a>b<c", "[echo a >b <c]")]
    [InlineData("{ a; } >out 2>&1", "BraceGroup{ | [a]} >out 2>&1")]
    [InlineData("(a) <in", "Subshell{ | [a]} <in")]
    [InlineData("while read l; do echo $l; done <f", "While{ | [read l] | [echo ${l}]} <f")]
    [InlineData("echo {fd}>f", "[echo {fd} >f]")]
    [InlineData("x=1 >f", "[x=1 >f]")]
    [InlineData("echo 2&>x", "[echo 2 &>x]")]
    [InlineData("{ a; }& b", "BraceGroup{ | [a]} &; [b]")]
    [InlineData("cat <<EOF >out 2>&1\nx\nEOF", "[cat <<EOF{x\n} >out 2>&1]")]
    public void RedirectionPlacement(string text, string expected) => Assert.Equal(expected, Dump(text));

    [Fact]
    public void RedirectionErrors()
    {
        Err("echo >");
        Err("echo > ;");
        Err("cat <");
        Err("echo 2>&");
        Err("echo >|");
    }

    // ───────────── here-documents ─────────────

    [Fact]
    public void HereDocumentUnquoted()
    {
        var cmd = Simple("cat <<EOF\nhello $USER\n`id` $(rm -rf /) \"q\"\nEOF");
        var r = Assert.Single(cmd.Redirections);
        Assert.Equal(RedirectionOperator.HereDocument, r.Operator);
        Assert.Equal("EOF", r.Target.StaticText);
        Assert.NotNull(r.HereDocument);
        Assert.Equal("hello ${USER}\n`[id]` $([rm -rf /]) \"q\"\n", ShellDump.Word(r.HereDocument!));
        Assert.Contains(r.HereDocument!.Parts, p => p is CommandSubstitutionPart { Backtick: false });
        Assert.All(r.HereDocument!.Parts, p => Assert.True(p.Quoted));
    }

    [Theory]
    [InlineData("'EOF'")]
    [InlineData("\"EOF\"")]
    [InlineData("\\EOF")]
    [InlineData("E\"O\"F")]
    public void HereDocumentQuoted(string delim)
    {
        var cmd = Simple($"cat <<{delim}\nhello $USER $(rm)\nEOF\n");
        var body = cmd.Redirections[0].HereDocument!;
        Assert.Equal(new LiteralPart("hello $USER $(rm)\n", true), Assert.Single(body.Parts));
    }

    [Fact]
    public void HereDocumentStripTabs()
    {
        var cmd = Simple("cat <<-EOF\n\thello\n\t\tworld $x\n\tEOF\n");
        Assert.Equal("hello\nworld ${x}\n", ShellDump.Word(cmd.Redirections[0].HereDocument!));
        var quoted = Simple("cat <<-'EOF'\n\thello\n\t\tworld\n\tEOF");
        Assert.Equal("hello\nworld\n", quoted.Redirections[0].HereDocument!.StaticText);
    }

    [Fact]
    public void TwoHereDocumentsOnOneLine()
    {
        var s = Ok("cat <<A; cat <<'B'\nfirst\nA\nsecond $x\nB\necho done");
        Assert.Equal("[cat <<A{first\n}]; [cat <<B{second $x\n}]; [echo done]", ShellDump.Script(s));
        var cmd = Simple("diff <<A <<B\na\nA\nb\nB");
        Assert.Equal("a\n", cmd.Redirections[0].HereDocument!.StaticText);
        Assert.Equal("b\n", cmd.Redirections[1].HereDocument!.StaticText);
    }

    [Fact]
    public void HereDocumentThenPipe()
    {
        Assert.Equal("[cat <<EOF{rm -rf /\n}] | [sh]", Dump("cat <<EOF | sh\nrm -rf /\nEOF\n"));
        Assert.Equal("[cat <<EOF{x\n}] && [rm y]", Dump("cat <<EOF && rm y\nx\nEOF"));
        Assert.Equal("[sh <<EOF{}]", Dump("sh <<EOF\nEOF"));
        Assert.Equal("[echo $([cat <<X{a\n}])]", Dump("echo $(cat <<X\na\nX\n)"));
        Assert.Equal("[echo $([cat <<EOF{)\n}])]", Dump("echo $(cat <<EOF\n)\nEOF\n)"));
        Assert.Equal("While{ | [read x] | [echo]} <<EOF{a\n}", Dump("while read x; do echo; done <<EOF\na\nEOF"));
        // bash reads the outer body after the newline that ends the outer command, not the one inside $( ).
        Assert.Equal("[cat <<EOF{outer\n}]; [echo $([cat <<X{inner\n}])]", Dump("cat <<EOF; echo $(cat <<X\ninner\nX\n)\nouter\nEOF\n"));
    }

    [Fact]
    public void HereDocumentErrors()
    {
        Err("cat <<EOF\nno end");
        Err("cat <<EOF");
        Err("cat <<EOF\nEOFX\n");
        Err("cat <<");
    }

    // ───────────── assignments ─────────────

    [Fact]
    public void Assignments()
    {
        var cmd = Simple("A=1 B=two cmd x=y");
        Assert.Equal(["A", "B"], cmd.Assignments.Select(a => a.Name));
        Assert.Equal(["1", "two"], cmd.Assignments.Select(a => a.Value.StaticText));
        Assert.Equal(["cmd", "x=y"], cmd.Words.Select(w => w.StaticText));

        var alone = Simple("x=/var/backups");
        Assert.Empty(alone.Words);
        Assert.Equal("/var/backups", Assert.Single(alone.Assignments).Value.StaticText);

        var append = Simple("PATH+=:/opt/bin").Assignments[0];
        Assert.True(append.Append);
        Assert.Equal("PATH", append.Name);
        Assert.Equal(":/opt/bin", append.Value.StaticText);

        var array = Simple("arr=(a 'b c' $x)").Assignments[0];
        Assert.Equal("arr", array.Name);
        Assert.NotNull(array.ArrayItems);
        Assert.Equal(["a", "b c", null], array.ArrayItems!.Select(w => w.StaticText));

        var empty = Simple("x= cmd");
        Assert.Equal("", empty.Assignments[0].Value.StaticText);
        Assert.Equal("cmd", empty.Words[0].StaticText);

        Assert.Equal("[a[1]=x]", Dump("a[1]=x"));
        Assert.Equal("[x=${HOME}/a b]", Dump("x=\"$HOME/a b\""));
        Assert.Equal("[\"A\"=1]".Replace("\"", ""), Dump("\"A\"=1"));
        Assert.Empty(Simple("\"A\"=1").Assignments);
        Assert.Empty(Simple("1A=1").Assignments);
        Assert.Equal("[a=(x y) b=$([rm]) cmd]", Dump("a=(x\n y) b=$(rm) cmd"));
    }

    // ───────────── compound commands ─────────────

    [Theory]
    [InlineData("(cd /; rm -rf x)", "Subshell{ | [cd /]; [rm -rf x]}")]
    [InlineData("( (a) )", "Subshell{ | Subshell{ | [a]}}")]
    [InlineData("{ a; b; }", "BraceGroup{ | [a]; [b]}")]
    [InlineData("{ a\n}", "BraceGroup{ | [a]}")]
    [InlineData("{a,b}", "[{a,b}]")]
    [InlineData("echo { }", "[echo { }]")]
    [InlineData("if a; then b; fi", "If{ | [a] | [b]}")]
    [InlineData("if a; then b; elif c; then d; else e; fi", "If{ | [a] | [b] | [c] | [d] | [e]}")]
    [InlineData("if a\nthen\n b\nfi", "If{ | [a] | [b]}")]
    [InlineData("while a; do b; done", "While{ | [a] | [b]}")]
    [InlineData("until a; do b; done", "Until{ | [a] | [b]}")]
    [InlineData("for f in *.txt a$b; do rm $f; done", "For f{*.txt a${b} | [rm ${f}]}")]
    [InlineData("for f; do echo $f; done", "For f{ | [echo ${f}]}")]
    [InlineData("for f do echo; done", "For f{ | [echo]}")]
    [InlineData("for f in a\ndo\n echo\ndone", "For f{a | [echo]}")]
    [InlineData("for f in; do echo; done", "For f{ | [echo]}")]
    [InlineData("for ((i=0;i<3;i++)); do echo $i; done", "ArithmeticFor ((i=0;i<3;i++)){i=0;i<3;i++ | [echo ${i}]}")]
    [InlineData("for ((;;)) do echo; done", "ArithmeticFor ((;;)){;; | [echo]}")]
    [InlineData("for x in a b; { echo $x; }", "For x{a b | [echo ${x}]}")]
    [InlineData("select x in a b; do echo; done", "Select x{a b | [echo]}")]
    [InlineData("case $x in a|b) rm;; *) ls;; esac", "Case{${x} a b * | [rm] | [ls]}")]
    [InlineData("case x in\n a) one;&\n b) two;;&\n c) three\nesac", "Case{x a b c | [one] | [two] | [three]}")]
    [InlineData("case x in esac", "Case{x}")]
    [InlineData("case x in a) ;; esac", "Case{x a | }")]
    [InlineData("case x in @(a|b)) y;; esac", "Case{x @(a|b) | [y]}")]
    [InlineData("(( i++ ))", "Arithmetic (( i++ )){ i++ }")]
    [InlineData("((a=1, b=(2+3)))", "Arithmetic ((a=1, b=(2+3))){a=1, b=(2+3)}")]
    [InlineData("[[ a && b ]]", "Conditional{a b}")]
    [InlineData("[[ -f /etc/passwd || $x == y* ]]", "Conditional{-f /etc/passwd ${x} == y*}")]
    [InlineData("[[ a < b ]]", "Conditional{a < b}")]
    [InlineData("[[ ! ( a > b ) ]]", "Conditional{! a > b}")]
    [InlineData("[[ $x =~ ^(a|b)+$ ]]", "Conditional{${x} =~ ^(a|b)+$}")]
    [InlineData("[[ $x =~ (a b) ]] && rm", "Conditional{${x} =~ (a b)} && [rm]")]
    [InlineData("[[ -n $(rm -rf /) ]]", "Conditional{-n $([rm -rf /])}")]
    [InlineData("[[ a\n&& b ]]", "Conditional{a b}")]
    [InlineData("echo [[ a && b ]]", "[echo [[ a] && [b ]]]")]
    [InlineData("echo if then fi", "[echo if then fi]")]
    [InlineData("f() { rm -rf /; }", "fn f BraceGroup{ | [rm -rf /]}")]
    [InlineData("f () { a; }", "fn f BraceGroup{ | [a]}")]
    [InlineData("f() ( a )", "fn f Subshell{ | [a]}")]
    [InlineData("f()\n{\n a\n}", "fn f BraceGroup{ | [a]}")]
    [InlineData("function f { a; }", "fn f BraceGroup{ | [a]}")]
    [InlineData("function f() { a; }", "fn f BraceGroup{ | [a]}")]
    [InlineData("function f () { a; } >log", "fn f BraceGroup{ | [a]} >log")]
    [InlineData("rm() { :; }; rm", "fn rm BraceGroup{ | [:]}; [rm]")]
    [InlineData("if [ -f x ]; then (cd a && { b | c; }); fi", "If{ | [[ -f x ]] | Subshell{ | [cd a] && BraceGroup{ | [b] | [c]}}}")]
    [InlineData("while :; do for i in 1; do case $i in 1) break;; esac; done; done", "While{ | [:] | For i{1 | Case{${i} 1 | [break]}}}")]
    [InlineData("a && (b) || { c; } | d", "[a] && Subshell{ | [b]} || BraceGroup{ | [c]} | [d]")]
    [InlineData("! if a; then b; fi", "! If{ | [a] | [b]}")]
    public void Compounds(string text, string expected) => Assert.Equal(expected, Dump(text));

    [Fact]
    public void ArithmeticCommandExposesSubstitutions()
    {
        var s = Ok("(( x = $(rm -rf /) ))");
        var cc = Assert.IsType<CompoundCommand>(s.Items[0].Pipelines[0].Commands[0]);
        Assert.Equal(CompoundKind.Arithmetic, cc.Kind);
        Assert.Equal(" x = $(rm -rf /) ", cc.Text);
        Assert.Contains(cc.Words[0].Parts, p => p is CommandSubstitutionPart);
    }

    [Fact]
    public void CaseStructure()
    {
        var cc = Assert.IsType<CompoundCommand>(Ok("case \"$1\" in\n  start) run;;\n  stop|halt) kill 1;;\nesac").Items[0].Pipelines[0].Commands[0]);
        Assert.Equal(CompoundKind.Case, cc.Kind);
        Assert.Equal(4, cc.Words.Count);
        Assert.Equal(["start", "stop", "halt"], cc.Words.Skip(1).Select(w => w.StaticText));
        Assert.Equal(2, cc.Bodies.Count);
    }

    [Fact]
    public void ForVariable()
    {
        var cc = Assert.IsType<CompoundCommand>(Ok("for x in a b; do :; done").Items[0].Pipelines[0].Commands[0]);
        Assert.Equal("x", cc.Variable);
        Assert.Equal(["a", "b"], cc.Words.Select(w => w.StaticText));
    }

    [Theory]
    [InlineData("if a; then b")]
    [InlineData("if a; then b; done")]
    [InlineData("if a; b; fi")]
    [InlineData("if; then a; fi")]
    [InlineData("while a; do b")]
    [InlineData("while a; do b; fi")]
    [InlineData("for x in a; do b")]
    [InlineData("for x in a; b; done")]
    [InlineData("for 1 in a; do b; done")]
    [InlineData("case x in a) b;;")]
    [InlineData("case x a) b;; esac")]
    [InlineData("{ a; ")]
    [InlineData("{ a }")]
    [InlineData("{ }")]
    [InlineData("( a")]
    [InlineData("()")]
    [InlineData("a )")]
    [InlineData(")")]
    [InlineData("fi")]
    [InlineData("done")]
    [InlineData("}")]
    [InlineData("then")]
    [InlineData("a | | b")]
    [InlineData("a && && b")]
    [InlineData("; a")]
    [InlineData("a ;; b")]
    [InlineData("& a")]
    [InlineData("a |")]
    [InlineData("a &&")]
    [InlineData("echo (")]
    [InlineData("echo a (b)")]
    [InlineData("f() echo")]
    [InlineData("[[ a ")]
    [InlineData("[[ a ; ]]")]
    [InlineData("(a) b")]
    [InlineData("x=1 if true; then :; fi")]
    [InlineData("echo a;; b")]
    [InlineData("echo 'abc")]
    [InlineData("echo \"abc")]
    [InlineData("echo $'abc")]
    [InlineData("echo $(abc")]
    [InlineData("echo $(a $(b)")]
    [InlineData("echo `abc")]
    [InlineData("echo <(abc")]
    [InlineData("echo $((1+2)")]
    [InlineData("a=(x y")]
    [InlineData("echo \"$(echo 'x)\"")]
    public void SyntaxErrors(string text)
    {
        var r = Err(text);
        Assert.False(string.IsNullOrWhiteSpace(r.Error));
    }

    [Fact]
    public void ErrorMessagesAndPositions()
    {
        var r = Err("echo 'abc");
        Assert.Contains("single quote", r.Error);
        Assert.Equal(5, r.ErrorPosition);

        r = Err("echo \"abc");
        Assert.Contains("double quote", r.Error);
        Assert.Equal(5, r.ErrorPosition);

        r = Err("ls; echo $(abc");
        Assert.Contains("command substitution", r.Error);
        Assert.Equal(9, r.ErrorPosition);

        r = Err("for x in a; do b");
        Assert.Contains("done", r.Error);

        r = Err("echo a )");
        Assert.Contains(")", r.Error);
        Assert.Equal(7, r.ErrorPosition);

        r = Err("cat <<EOF\nx");
        Assert.Contains("here-document", r.Error);
        Assert.Equal(4, r.ErrorPosition);
    }

    // ───────────── spans ─────────────

    [Fact]
    public void Spans()
    {
        const string text = "A=1 echo  'a b' >out; (ls -l) | wc";
        var s = Ok(text);
        var cmd = Assert.IsType<SimpleCommand>(s.Items[0].Pipelines[0].Commands[0]);
        Assert.Equal(0, cmd.Start);
        Assert.Equal(20, cmd.End);
        Assert.Equal("A=1 echo  'a b' >out", text[cmd.Start..cmd.End]);
        Assert.Equal("echo", text[cmd.Words[0].Start..cmd.Words[0].End]);
        Assert.Equal("'a b'", text[cmd.Words[1].Start..cmd.Words[1].End]);
        Assert.Equal("1", text[cmd.Assignments[0].Value.Start..cmd.Assignments[0].Value.End]);
        Assert.Equal("out", text[cmd.Redirections[0].Target.Start..cmd.Redirections[0].Target.End]);
        var sub = Assert.IsType<CompoundCommand>(s.Items[1].Pipelines[0].Commands[0]);
        Assert.Equal("(ls -l)", text[sub.Start..sub.End]);
        var inner = Assert.IsType<SimpleCommand>(sub.Bodies[0].Items[0].Pipelines[0].Commands[0]);
        Assert.Equal("ls -l", text[inner.Start..inner.End]);
        var wc = Assert.IsType<SimpleCommand>(s.Items[1].Pipelines[0].Commands[1]);
        Assert.Equal("wc", text[wc.Start..wc.End]);

        const string fn = "x; f() { a; } >o";
        var f = Assert.IsType<FunctionDefinition>(Ok(fn).Items[1].Pipelines[0].Commands[0]);
        Assert.Equal("f() { a; } >o", fn[f.Start..f.End]);

        const string nested = "echo \"$(rm -rf /)\"";
        var cs = Assert.IsType<CommandSubstitutionPart>(Word(nested, 1).Parts[0]);
        var rm = Assert.IsType<SimpleCommand>(cs.Script.Items[0].Pipelines[0].Commands[0]);
        Assert.Equal("rm -rf /", nested[rm.Start..rm.End]);

        const string bt = "echo `rm -rf /`";
        var bcs = Assert.IsType<CommandSubstitutionPart>(Word(bt, 1).Parts[0]);
        var brm = Assert.IsType<SimpleCommand>(bcs.Script.Items[0].Pipelines[0].Commands[0]);
        Assert.Equal("rm -rf /", bt[brm.Start..brm.End]);

        const string ifs = "if a; then b; fi >x";
        var ifc = Assert.IsType<CompoundCommand>(Ok(ifs).Items[0].Pipelines[0].Commands[0]);
        Assert.Equal(0, ifc.Start);
        Assert.Equal(ifs.Length, ifc.End);
    }

    // ───────────── budgets and hostile input ─────────────

    [Fact]
    public void DepthBombOfCommandSubstitutions()
    {
        var text = string.Concat(Enumerable.Repeat("$(", 10_000)) + string.Concat(Enumerable.Repeat(")", 10_000));
        var r = ShellParser.Parse("echo " + text);
        Assert.Equal("depth", r.BudgetExceeded);
        Assert.Contains("depth", r.Error);
        Assert.False(r.Success);
    }

    [Theory]
    [InlineData("( ", " )")]
    [InlineData("{ ", "; }")]
    [InlineData("${x:-", "}")]
    [InlineData("\"$(", ")\"")]
    [InlineData("<(", ")")]
    [InlineData("if a; then ", "; fi")]
    [InlineData("$((", "))")]
    [InlineData("[[ $(", ") ]]")]
    public void DepthBombs(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, 5_000)) + "x" + string.Concat(Enumerable.Repeat(close, 5_000));
        var r = ParserWork.Parse(text, new ShellParserLimits { MaxLength = 1_000_000 });
        Assert.False(r.Success);
    }

    [Fact]
    public void DepthLimitIsConfigurable()
    {
        Assert.True(ShellParser.Parse("echo $(a $(b $(c)))", new ShellParserLimits { MaxDepth = 3 }).Success);
        Assert.Equal("depth", ShellParser.Parse("echo $(a $(b $(c $(d))))", new ShellParserLimits { MaxDepth = 3 }).BudgetExceeded);
        Assert.Equal("depth", ShellParser.Parse("( ( ( ( (a) ) ) ) )", new ShellParserLimits { MaxDepth = 3 }).BudgetExceeded);
        Assert.Equal("depth", ShellParser.Parse("echo ${a:-${b:-${c:-${d}}}}", new ShellParserLimits { MaxDepth = 3 }).BudgetExceeded);
    }

    [Fact]
    public void LengthBudget()
    {
        var text = "echo " + new string('a', 100 * 1024);
        var r = ShellParser.Parse(text);
        Assert.Equal("length", r.BudgetExceeded);
        Assert.Contains("length", r.Error);
        Assert.Same(ShellScript.Empty, r.Script);

        var big = ShellParser.Parse(text, new ShellParserLimits { MaxLength = 200 * 1024 });
        Assert.True(big.Success);
    }

    [Fact]
    public void NodesBudget()
    {
        var text = string.Concat(Enumerable.Repeat("a b c; ", 2000));
        var r = ShellParser.Parse(text, new ShellParserLimits { MaxNodes = 1000 });
        Assert.Equal("nodes", r.BudgetExceeded);
        Assert.Contains("nodes", r.Error);
        Assert.True(ShellParser.Parse(text).Success);
    }

    [Fact]
    public void LargeInputIsFast()
    {
        var line = "for f in *.log; do gzip -9 \"$f\" && mv \"$f.gz\" /tmp/$(date +%s)/; done | tee out 2>&1\n";
        var sb = new System.Text.StringBuilder();
        while (sb.Length < 60_000) sb.Append(line);
        var text = sb.ToString();
        var r = ParserWork.Parse(text, new ShellParserLimits { MaxNodes = 1_000_000 });
        Assert.True(r.Success, r.Error);
    }

    [Fact]
    public void BinaryGarbage()
    {
        var rnd = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var chars = new char[rnd.Next(1, 400)];
            for (var j = 0; j < chars.Length; j++) chars[j] = (char)rnd.Next(0, 256);
            chars[0] = '\0';
            var r = ShellParser.Parse(new string(chars));
            Assert.NotNull(r);
        }

        Assert.True(ShellParser.Parse("echo a\0b").Success);
        Assert.Equal("a\0b", Simple("echo a\0b").Words[1].StaticText);
    }

    [Fact]
    public void Pathological()
    {
        foreach (var text in new[]
                 {
                     new string('(', 50_000), new string(')', 50_000), new string('`', 50_001), new string('\\', 50_000),
                     new string('$', 50_000), new string('"', 50_001), new string('\'', 50_001), new string('{', 50_000),
                     string.Concat(Enumerable.Repeat("$((", 10_000)), string.Concat(Enumerable.Repeat("<<A ", 10_000)),
                     string.Concat(Enumerable.Repeat("a|", 20_000)), string.Concat(Enumerable.Repeat("${", 20_000)),
                     string.Concat(Enumerable.Repeat("$(( (", 10_000)), string.Concat(Enumerable.Repeat("\\`", 20_000)),
                 })
        {
            var r = ParserWork.Parse(text);
            Assert.NotNull(r);
        }
    }

    [Fact]
    public void NullInput()
    {
        var r = ShellParser.Parse(null!);
        Assert.False(r.Success);
    }

    // ───────────── realistic commands ─────────────

    [Theory]
    [InlineData("git commit -m \"fix: it's done\" && git push origin HEAD", "[git commit -m fix: it's done] && [git push origin HEAD]")]
    [InlineData("find . -name '*.pyc' -exec rm {} \\;", "[find . -name *.pyc -exec rm {} ;]")]
    [InlineData("curl -fsSL https://x.sh | sudo bash -s -- --yes", "[curl -fsSL https://x.sh] | [sudo bash -s -- --yes]")]
    [InlineData("cd /tmp && tar xzf a.tgz && rm -rf a/", "[cd /tmp] && [tar xzf a.tgz] && [rm -rf a/]")]
    [InlineData("ps aux | grep -v grep | awk '{print $2}' | xargs kill -9", "[ps aux] | [grep -v grep] | [awk {print $2}] | [xargs kill -9]")]
    [InlineData("eval \"$(ssh-agent -s)\"", "[eval $([ssh-agent -s])]")]
    [InlineData("sudo -u root sh -c 'echo x > /etc/y'", "[sudo -u root sh -c echo x > /etc/y]")]
    [InlineData("DEBUG=1 npm test -- --watch=false 2>&1 | tail -n 50", "[DEBUG=1 npm test -- --watch=false 2>&1] | [tail -n 50]")]
    [InlineData("python3 - <<'PY'\nimport os\nos.system('rm -rf /')\nPY", "[python3 - <<PY{import os\nos.system('rm -rf /')\n}]")]
    [InlineData("echo ok; exit 0", "[echo ok]; [exit 0]")]
    public void Realistic(string text, string expected) => Assert.Equal(expected, Dump(text));

    [Fact]
    public void TypicalCommandIsFast()
    {
        // Counted, not timed (timing fails on a loaded machine; bench/ measures time): a typical command costs a few
        // steps per character and a bounded allocation.
        const string text = "cd /repo && git status --porcelain | grep -E '^( M|\\?\\?)' | awk '{print $2}' | xargs -r rm -f -- \"$HOME/tmp\"";
        ShellParser.Parse(text);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var r = ShellParser.Parse(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(r.Success, r.Error);
        Assert.InRange(r.Steps, text.Length, 4L * text.Length); // measured: 289
        Assert.InRange(allocated, 1, 100L * text.Length); // measured: 4,832 bytes for these 108 characters
    }
}
