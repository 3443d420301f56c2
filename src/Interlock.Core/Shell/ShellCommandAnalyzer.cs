using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

/// <summary>Bounds on analysis work; exceeding one is a gap that keeps the action from being allowed.</summary>
public sealed record ShellAnalyzerLimits
{
    public static readonly ShellAnalyzerLimits Default = new();

    public ShellParserLimits Parser { get; init; } = ShellParserLimits.Default;

    /// <summary>How deep command strings may nest (<c>bash -c "eval 'ssh h …'"</c>).</summary>
    public int MaxNesting { get; init; } = 12;

    /// <summary>Most commands analyzed for one action (simple and compound), counting every nested string and loop pass.</summary>
    public int MaxCommands { get; init; } = 2_000;

    /// <summary>
    /// How deep one command may run another (<c>sudo env timeout nice …</c>, <c>xargs</c>, <c>find -exec</c>, a function
    /// calling a function): each level is a stack frame chain, and an action must not be able to overflow the stack.
    /// </summary>
    public int MaxCommandDepth { get; init; } = 64;

    /// <summary>Most operations reported for one action.</summary>
    public int MaxOperations { get; init; } = 512;

    /// <summary>Wall-clock budget for one analysis.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>The operations a command line performs and what the analyzer could not understand.</summary>
public sealed record ShellAnalysis(IReadOnlyList<Operation> Operations, IReadOnlyList<AnalysisGap> Gaps)
{
    /// <summary>The analysis's deterministic work count (<see cref="ShellAnalysisRun.Work"/>): what tests bound instead of time.</summary>
    internal long Work { get; init; }
}

/// <summary>
/// Parses a shell command line and finds every command it would run, however wrapped (<c>sudo</c>, <c>bash -c</c>, <c>xargs</c>,
/// <c>find -exec</c>, substitutions, <c>ssh host '…'</c>), and what each does according to <see cref="CommandKnowledge"/>.
/// </summary>
public sealed class ShellCommandAnalyzer
{
    // time: the clock the time budget is measured with; without one only the deterministic budgets (size, depth,
    // commands, operations) apply. Hosts pass their clock; tests usually do not, so no result depends on load.
    public ShellCommandAnalyzer(CommandKnowledge? knowledge = null, ShellAnalyzerLimits? limits = null, TimeProvider? time = null)
    {
        Knowledge = knowledge ?? CommandKnowledge.Default;
        Limits = limits ?? ShellAnalyzerLimits.Default;
        Time = time;
    }

    internal CommandKnowledge Knowledge { get; }
    internal ShellAnalyzerLimits Limits { get; }
    internal TimeProvider? Time { get; }

    /// <summary>Analyzes <paramref name="command"/> run in <paramref name="cwd"/> (the workspace) by a user whose home is <paramref name="home"/>. Never throws.</summary>
    public ShellAnalysis Analyze(string command, string cwd, string home)
    {
        var run = new ShellAnalysisRun(this, PathResolver.Normalize(cwd), PathResolver.Normalize(home));
        try
        {
            run.Run(command);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fail closed: an analyzer fault is a gap, never an allow.
            run.AddGap("internal-error", $"the analyzer failed ({ex.GetType().Name}); nothing can be assumed about this command");
        }
        return new ShellAnalysis(run.Operations, run.Gaps) { Work = run.Work };
    }
}
