using System.Text;
using Interlock.Shell;

namespace Interlock.Core.Tests.Shell;

/// <summary>Renders a parse tree compactly so tests can assert whole shapes in one line.</summary>
internal static class ShellDump
{
    public static string Script(ShellScript s)
    {
        var sb = new StringBuilder();
        Script(sb, s);
        return sb.ToString();
    }

    public static string Word(ShellWord w)
    {
        var sb = new StringBuilder();
        Word(sb, w);
        return sb.ToString();
    }

    private static void Script(StringBuilder sb, ShellScript s)
    {
        for (var i = 0; i < s.Items.Count; i++)
        {
            if (i > 0) sb.Append("; ");
            var ao = s.Items[i];
            for (var j = 0; j < ao.Pipelines.Count; j++)
            {
                if (j > 0) sb.Append(ao.Operators[j - 1] == AndOrOperator.And ? " && " : " || ");
                var p = ao.Pipelines[j];
                if (p.Negated) sb.Append("! ");
                for (var k = 0; k < p.Commands.Count; k++)
                {
                    if (k > 0) sb.Append(" | ");
                    Command(sb, p.Commands[k]);
                }
            }

            if (ao.Background) sb.Append(" &");
        }
    }

    private static void Command(StringBuilder sb, ShellCommand c)
    {
        switch (c)
        {
            case SimpleCommand sc:
                sb.Append('[');
                var first = true;
                foreach (var a in sc.Assignments)
                {
                    Sep(sb, ref first);
                    sb.Append(a.Name).Append(a.Append ? "+=" : "=");
                    if (a.ArrayItems is { } items)
                    {
                        sb.Append('(');
                        for (var i = 0; i < items.Count; i++)
                        {
                            if (i > 0) sb.Append(' ');
                            Word(sb, items[i]);
                        }

                        sb.Append(')');
                    }
                    else Word(sb, a.Value);
                }

                foreach (var w in sc.Words)
                {
                    Sep(sb, ref first);
                    Word(sb, w);
                }

                foreach (var r in sc.Redirections)
                {
                    Sep(sb, ref first);
                    Redirect(sb, r);
                }

                sb.Append(']');
                break;
            case CompoundCommand cc:
                sb.Append(cc.Kind);
                if (cc.Variable is not null) sb.Append(' ').Append(cc.Variable);
                if (cc.Text is not null) sb.Append(" ((").Append(cc.Text).Append("))");
                sb.Append('{');
                for (var i = 0; i < cc.Words.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    Word(sb, cc.Words[i]);
                }

                foreach (var b in cc.Bodies)
                {
                    sb.Append(" | ");
                    Script(sb, b);
                }

                sb.Append('}');
                foreach (var r in cc.Redirections)
                {
                    sb.Append(' ');
                    Redirect(sb, r);
                }

                break;
            case FunctionDefinition f:
                sb.Append("fn ").Append(f.Name).Append(' ');
                Command(sb, f.Body);
                break;
        }
    }

    private static void Sep(StringBuilder sb, ref bool first)
    {
        if (!first) sb.Append(' ');
        first = false;
    }

    private static void Redirect(StringBuilder sb, Redirection r)
    {
        if (r.Fd is { } fd) sb.Append(fd);
        sb.Append(r.Operator switch
        {
            RedirectionOperator.Input => "<",
            RedirectionOperator.Output => ">",
            RedirectionOperator.Append => ">>",
            RedirectionOperator.Clobber => ">|",
            RedirectionOperator.ReadWrite => "<>",
            RedirectionOperator.DuplicateInput => "<&",
            RedirectionOperator.DuplicateOutput => ">&",
            RedirectionOperator.OutputAndError => "&>",
            RedirectionOperator.AppendOutputAndError => "&>>",
            RedirectionOperator.HereDocument => "<<",
            RedirectionOperator.HereString => "<<<",
            _ => "?",
        });
        Word(sb, r.Target);
        if (r.HereDocument is { } body)
        {
            sb.Append('{');
            Word(sb, body);
            sb.Append('}');
        }
    }

    private static void Word(StringBuilder sb, ShellWord w)
    {
        foreach (var p in w.Parts)
        {
            switch (p)
            {
                case LiteralPart l:
                    sb.Append(l.Text);
                    break;
                case ParameterPart pp:
                    sb.Append("${");
                    if (pp.Operator is "length") sb.Append('#').Append(pp.Name);
                    else if (pp.Operator is "indirect") sb.Append('!').Append(pp.Name);
                    else
                    {
                        sb.Append(pp.Name);
                        if (pp.Operator is not null) sb.Append(pp.Operator);
                        if (pp.Argument is not null) Word(sb, pp.Argument);
                    }

                    sb.Append('}');
                    break;
                case CommandSubstitutionPart cs:
                    sb.Append(cs.Backtick ? "`" : "$(");
                    Script(sb, cs.Script);
                    sb.Append(cs.Backtick ? "`" : ")");
                    break;
                case ProcessSubstitutionPart ps:
                    sb.Append(ps.Input ? "<(" : ">(");
                    Script(sb, ps.Script);
                    sb.Append(')');
                    break;
                case ArithmeticPart ap:
                    sb.Append("$((").Append(ap.Expression).Append("))");
                    break;
                case TildePart t:
                    sb.Append('~').Append(t.User);
                    break;
            }
        }
    }
}
