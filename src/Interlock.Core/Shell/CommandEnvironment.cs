namespace Interlock.Shell;

/// <summary>
/// Variables set for one command only (<c>GIT_SSH=x git pull</c>, <c>env PAGER=y git log</c>): programs that read their
/// environment (git's GIT_SSH, PAGER, EDITOR…) run what these name. An immutable chain: most commands set none.
/// </summary>
internal sealed record CommandEnvironment(string Name, ShellArg Value, CommandEnvironment? Parent)
{
    public static CommandEnvironment With(CommandEnvironment? env, string name, ShellArg value) => new(name, value, env);

    /// <summary>The innermost assignment of <paramref name="name"/>, or null.</summary>
    public static ShellArg? Get(CommandEnvironment? env, string name)
    {
        for (var e = env; e is not null; e = e.Parent)
            if (e.Name == name) return e.Value;
        return null;
    }

    /// <summary>Every assignment, innermost first (a name may repeat; the first is the one in force).</summary>
    public static IEnumerable<CommandEnvironment> All(CommandEnvironment? env)
    {
        for (var e = env; e is not null; e = e.Parent) yield return e;
    }
}
