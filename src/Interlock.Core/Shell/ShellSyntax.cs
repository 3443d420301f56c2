namespace Interlock.Shell;

/// <summary>A parsed shell script: and-or lists separated by <c>;</c>, <c>&amp;</c> or newlines.</summary>
public sealed record ShellScript(IReadOnlyList<AndOrList> Items)
{
    public static readonly ShellScript Empty = new([]);
}

/// <summary>Pipelines joined by <c>&amp;&amp;</c> / <c>||</c>; <see cref="Background"/> when terminated by <c>&amp;</c>.</summary>
public sealed record AndOrList(IReadOnlyList<Pipeline> Pipelines, IReadOnlyList<AndOrOperator> Operators, bool Background);

/// <summary>The operator between two pipelines of an <see cref="AndOrList"/>.</summary>
public enum AndOrOperator { And, Or }

/// <summary>Commands joined by <c>|</c> or <c>|&amp;</c>; <see cref="Negated"/> for a leading <c>!</c>.</summary>
public sealed record Pipeline(IReadOnlyList<ShellCommand> Commands, bool Negated);

/// <summary>One command of a pipeline.</summary>
public abstract record ShellCommand(IReadOnlyList<Redirection> Redirections);

/// <summary>Assignments, words and redirections; <see cref="Start"/>/<see cref="End"/> index the source text it was parsed from.</summary>
public sealed record SimpleCommand(
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<ShellWord> Words,
    IReadOnlyList<Redirection> Redirections,
    int Start,
    int End) : ShellCommand(Redirections);

/// <summary>The kinds of compound command.</summary>
public enum CompoundKind { Subshell, BraceGroup, If, While, Until, For, ArithmeticFor, Case, Select, Arithmetic, Conditional }

/// <summary>
/// A compound command. <see cref="Bodies"/> holds every nested list (conditions, branches, loop bodies, case arms);
/// <see cref="Words"/> the words it evaluates (for items, case subject and patterns, <c>[[ ]]</c> operands);
/// <see cref="Variable"/> the loop variable of <c>for</c>/<c>select</c>; <see cref="Text"/> the raw text of <c>(( ))</c>.
/// </summary>
public sealed record CompoundCommand(
    CompoundKind Kind,
    IReadOnlyList<ShellScript> Bodies,
    IReadOnlyList<ShellWord> Words,
    string? Variable,
    string? Text,
    IReadOnlyList<Redirection> Redirections,
    int Start,
    int End) : ShellCommand(Redirections);

/// <summary><c>name() body</c> or <c>function name body</c>.</summary>
public sealed record FunctionDefinition(string Name, ShellCommand Body, int Start, int End) : ShellCommand([]);

/// <summary><c>NAME=value</c>, <c>NAME+=value</c> or <c>NAME=(a b c)</c> before a command or alone.</summary>
public sealed record Assignment(string Name, ShellWord Value, bool Append, IReadOnlyList<ShellWord>? ArrayItems)
{
    /// <summary>Expansions and command substitutions inside the subscript of <c>a[$(cmd)]=v</c>; bash runs them.</summary>
    public IReadOnlyList<WordPart> SubscriptExpansions { get; init; } = [];
}

/// <summary>Redirection operators.</summary>
public enum RedirectionOperator
{
    Input,              // <
    Output,             // >
    Append,             // >>
    Clobber,            // >|
    ReadWrite,          // <>
    DuplicateInput,     // <&
    DuplicateOutput,    // >&
    OutputAndError,     // &>
    AppendOutputAndError, // &>>
    HereDocument,       // << and <<-
    HereString,         // <<<
}

/// <summary>
/// A redirection. <see cref="Target"/> is the file, fd or here-string word (for a here-document, its delimiter);
/// <see cref="HereDocument"/> the here-document body: one quoted literal when the delimiter was quoted, otherwise with expansions.
/// </summary>
public sealed record Redirection(int? Fd, RedirectionOperator Operator, ShellWord Target, ShellWord? HereDocument);

/// <summary>A word: adjacent parts with no unquoted blank between them.</summary>
public sealed record ShellWord(IReadOnlyList<WordPart> Parts, int Start, int End)
{
    /// <summary>The word's text when it has no expansions (quotes removed), otherwise null.</summary>
    public string? StaticText
    {
        get
        {
            if (Parts.Count == 1 && Parts[0] is LiteralPart single) return single.Text;
            var sb = new System.Text.StringBuilder();
            foreach (var part in Parts)
            {
                if (part is not LiteralPart lit) return null;
                sb.Append(lit.Text);
            }
            return sb.ToString();
        }
    }
}

/// <summary>A piece of a word.</summary>
public abstract record WordPart(bool Quoted);

/// <summary>Literal text with quotes and escapes removed. Unquoted literals may hold glob characters.</summary>
public sealed record LiteralPart(string Text, bool Quoted) : WordPart(Quoted);

/// <summary>
/// <c>$name</c>, <c>${name}</c>, <c>${name:-word}</c>, <c>${#name}</c>, <c>$1</c>, <c>$@</c>, <c>$?</c>…
/// <see cref="Operator"/> is the operator text (<c>:-</c>, <c>-</c>, <c>:=</c>, <c>:?</c>, <c>:+</c>, <c>#</c>, <c>##</c>, <c>%</c>, <c>%%</c>, <c>/</c>, <c>//</c>, <c>^^</c>, <c>,,</c>, <c>:</c> for substrings, <c>length</c> for <c>${#x}</c>, <c>indirect</c> for <c>${!x}</c>), or null.
/// </summary>
public sealed record ParameterPart(string Name, string? Operator, ShellWord? Argument, bool Quoted) : WordPart(Quoted)
{
    /// <summary>Expansions and command substitutions inside an array subscript (<c>${a[$(cmd)]}</c>); bash runs them.</summary>
    public IReadOnlyList<WordPart> SubscriptExpansions { get; init; } = [];
}

/// <summary><c>$( … )</c> or backticks.</summary>
public sealed record CommandSubstitutionPart(ShellScript Script, bool Backtick, bool Quoted) : WordPart(Quoted);

/// <summary><c>&lt;( … )</c> (<see cref="Input"/>) or <c>&gt;( … )</c>.</summary>
public sealed record ProcessSubstitutionPart(ShellScript Script, bool Input) : WordPart(false);

/// <summary>
/// <c>$(( … ))</c> with its raw expression text. <see cref="Expansions"/> holds the parameter expansions and
/// command substitutions found inside the expression (bash runs those substitutions before evaluating it).
/// </summary>
public sealed record ArithmeticPart(string Expression, bool Quoted) : WordPart(Quoted)
{
    public IReadOnlyList<WordPart> Expansions { get; init; } = [];
}

/// <summary>An unquoted leading <c>~</c> or <c>~user</c>; <see cref="User"/> is empty for the current user.</summary>
public sealed record TildePart(string User) : WordPart(false);
