using System.Collections.Frozen;
using Interlock.Actions;

namespace Interlock.Knowledge.Statements;

/// <summary>
/// Commands of SQL shells that the server never sees: psql backslash commands, sqlite3 dot commands, mysql's client
/// commands. Most describe the schema or format output; some run a shell, a SQL file, an editor or native code, write
/// files, or pipe results into a program (<c>\o |sh</c>, <c>.read '|curl …'</c>). A command not in the table is not
/// assumed harmless.
/// </summary>
internal static class SqlClientCommands
{
    // In increasing order of harm: a sqlite3 prefix naming several commands is the worst of them.
    private enum Kind { Read, WritesFile, LoadsRows, SqlFile, Editor, NativeCode, Shell, Replaces, Unknown }

    private static readonly FrozenDictionary<string, Kind> Psql = Table(
        (Kind.Read, @"\a \c \connect \C \conninfo \copyright \crosstabview \echo \qecho \warn \encoding \errverbose \f \g \gx \gdesc \gset \G "
            + @"\h \help \? \H \html \if \elif \else \endif \l \list \p \print \pset \q \quit \r \reset \set \unset \t \timing \x \z \sf \sv "
            + @"\prompt \bind \bind_named \close_prepared \parse \getenv \watch \startpipeline \endpipeline \syncpipeline \sendpipeline "
            + @"\flushrequest \flush \getresults \restrict \unrestrict \cd \lo_list \s \u \use \status \n \W \R \#"),
        (Kind.Shell, @"\! \P"),
        (Kind.SqlFile, @"\i \include \ir \include_relative \."),
        (Kind.Editor, @"\e \edit \ef \ev"),
        (Kind.WritesFile, @"\o \out \w \write \lo_export \T \tee"),
        (Kind.LoadsRows, @"\lo_import \lo_unlink \setenv \password"));

    private static readonly FrozenDictionary<string, Kind> Sqlite = Table(
        (Kind.Read, ".auth .bail .binary .changes .check .connection .crlf .crnl .databases .dbconfig .dbinfo .dbtotxt .dump .echo .eqp .explain "
            + ".expert .filectrl .fullschema .headers .help .indexes .indices .intck .limit .lint .mode .nonce .nullvalue .open .parameter .print "
            + ".progress .prompt .quit .exit .recover .scanstats .schema .selftest .separator .sha3sum .show .stats .tables .timeout .timer "
            + ".vfsinfo .vfslist .vfsname .width .cd"),
        (Kind.Shell, ".shell .system"),
        (Kind.SqlFile, ".read"),
        (Kind.Editor, ".excel .www"),
        (Kind.NativeCode, ".load"),
        (Kind.WritesFile, ".output .once .save .backup .log .trace .iotrace .testcase .clone .archive .ar"),
        (Kind.LoadsRows, ".import .imposter .unmodule"),
        (Kind.Replaces, ".restore .deserialize"));

    private static FrozenDictionary<string, Kind> Table(params (Kind Kind, string Names)[] groups) =>
        groups.SelectMany(g => g.Names.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => (n, g.Kind)))
            .ToFrozenDictionary(p => p.n, p => p.Kind, StringComparer.Ordinal);

    /// <summary>One client command line (<c>\dt</c>, <c>.read '|cmd'</c>); <paramref name="query"/> is the statement before it, which <c>\gexec</c> runs.</summary>
    public static IEnumerable<StatementFinding> Classify(string meta, string? query, int depth)
    {
        int space = meta.AsSpan().IndexOfAny(" \t");
        var name = space < 0 ? meta : meta[..space];
        var args = space < 0 ? "" : meta[(space + 1)..].Trim();

        // A result or file name starting with '|' is a program the client starts: `\o |sh`, `.once '|mail x'`, `\g |cmd`.
        if (PipeCommand(args) is { } piped)
        {
            yield return new(name, OperationClass.Exec, "pipes output or input through a shell command", [], ShellCommand: piped, ClientSide: true);
            yield break;
        }
        if (name == @"\gexec")
        {
            foreach (var f in GeneratedStatements(query, depth)) yield return f;
            yield break;
        }
        if (name is @"\copy")
            yield return CopyMeta(args);
        else if (name.StartsWith(@"\!", StringComparison.Ordinal))
            yield return new(@"\!", OperationClass.Exec, "runs a shell command", [], ShellCommand: (name[2..] + " " + args).Trim(), ClientSide: true);
        else
            yield return ByKind(name, args, KindOf(name));
    }

    private static Kind KindOf(string name)
    {
        if (name.StartsWith('\\'))
        {
            var bare = name.TrimEnd('+', 'S', 'x');
            if (bare.Length == 0) return Kind.Unknown;
            if (bare.StartsWith(@"\d", StringComparison.Ordinal)) return Kind.Read;
            return Psql.TryGetValue(bare, out var k) || Psql.TryGetValue(name, out k) ? k : Kind.Unknown;
        }
        if (Sqlite.TryGetValue(name, out var kind)) return kind;
        // sqlite3 takes any unambiguous prefix (`.sys` is .system): the worst command a prefix could name decides.
        var worst = Kind.Unknown;
        bool any = false;
        foreach (var (full, k) in Sqlite)
        {
            if (name.Length < 2 || !full.StartsWith(name, StringComparison.Ordinal)) continue;
            worst = !any || k > worst ? k : worst;
            any = true;
        }
        return any ? worst : Kind.Unknown;
    }

    private static StatementFinding ByKind(string name, string args, Kind kind) => kind switch
    {
        Kind.Read when name is @"\g" or @"\gx" or @"\s" or ".trace" && args.Length > 0 =>
            new(name, OperationClass.Update, "writes query results to a file", []),
        Kind.Read when name == ".open" && (args.Contains("--new", StringComparison.Ordinal) || args.Contains("--deserialize", StringComparison.Ordinal)) =>
            new(name, OperationClass.Update, "creates or replaces a database file", []),
        Kind.Read => new(name, OperationClass.Read, "reads database metadata or sets display options", []),
        Kind.Shell => new(name, OperationClass.Exec, "runs a shell command", [], ShellCommand: args, ClientSide: true),
        Kind.SqlFile => new(name, OperationClass.Exec, "runs a SQL file whose statements are not visible here", []),
        Kind.Editor => new(name, OperationClass.Exec, "opens an editor or another program, and may run what it returns", []),
        Kind.NativeCode => new(name, OperationClass.Exec, "loads native code into the database shell", []),
        Kind.WritesFile => new(name, OperationClass.Update, "writes query results or the database to a file", []),
        Kind.LoadsRows => new(name, OperationClass.Update, "loads data or changes settings", []),
        Kind.Replaces => new(name, OperationClass.Destroy, "replaces the database with a backup", [], Critical: true),
        _ => new(name, OperationClass.Update, $"runs client command '{name}', which Interlock does not know", []),
    };

    private static StatementFinding CopyMeta(string args)
    {
        // \copy … FROM PROGRAM 'cmd' / TO PROGRAM 'cmd' runs the command on the client.
        int program = args.IndexOf("program", StringComparison.OrdinalIgnoreCase);
        if (program >= 0 && QuotedAfter(args, program + 7) is { } cmd)
            return new(@"\copy program", OperationClass.Exec, "runs a shell command to produce or consume rows", [], ShellCommand: cmd, ClientSide: true);
        return args.Contains(" from ", StringComparison.OrdinalIgnoreCase)
            ? new(@"\copy from", OperationClass.Update, "loads rows into a table", [])
            : new(@"\copy to", OperationClass.Read, "exports rows", []);
    }

    /// <summary>
    /// <c>\gexec</c> runs each value the query returns as a statement. The values are not visible, but the literals the
    /// query builds them from are (<c>format('DROP TABLE %I', …)</c>): those are analyzed as statements.
    /// </summary>
    private static IEnumerable<StatementFinding> GeneratedStatements(string? query, int depth)
    {
        yield return new(@"\gexec", OperationClass.Exec, "runs every value its query returns as a statement, which is not visible here", []);
        foreach (var f in SqlStatementAnalyzer.AnalyzeLiterals(query ?? "", depth))
            yield return f with { Verb = @"\gexec " + f.Verb, Reason = "generates statements that " + f.Reason };
    }

    private static string? PipeCommand(string args)
    {
        // Options come first (`.once -x`, `\o` takes none); the file name after them may be quoted.
        var a = args.AsSpan().TrimStart();
        while (a.Length > 1 && a[0] == '-')
        {
            int end = a.IndexOfAny(" \t");
            a = end < 0 ? [] : a[end..].TrimStart();
        }
        if (a.Length > 1 && a[0] is '\'' or '"' && a[1] == '|')
        {
            int close = a[2..].IndexOf(a[0]);
            return (close < 0 ? a[2..] : a.Slice(2, close)).Trim().ToString();
        }
        return a.Length > 0 && a[0] == '|' ? a[1..].Trim().ToString() : null;
    }

    private static string? QuotedAfter(string text, int from)
    {
        int open = text.IndexOfAny(['\'', '"'], from);
        if (open < 0) return null;
        int close = text.IndexOf(text[open], open + 1);
        return close < 0 ? text[(open + 1)..] : text[(open + 1)..close];
    }
}
