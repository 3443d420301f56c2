using System.Collections.Frozen;

namespace Interlock.Knowledge;

/// <summary>What an environment variable that carries code holds.</summary>
public enum EnvironmentCode
{
    /// <summary>A command line some program runs (<c>PAGER</c>, <c>MANPAGER</c>, <c>EDITOR</c>).</summary>
    Command,
    /// <summary>less's input preprocessor: a command line after <c>|</c> or <c>||</c>, <c>%s</c> standing for the file.</summary>
    LessPipe,
    /// <summary>Libraries loaded into every program started (<c>LD_PRELOAD</c>): code nobody can see here.</summary>
    Library,
    /// <summary>A file whose contents run or decide what runs (<c>BASH_ENV</c>, <c>RIPGREP_CONFIG_PATH</c>).</summary>
    ShellStartup,
    /// <summary>
    /// The directory programs read their own configuration from (<c>HOME</c>, <c>XDG_CONFIG_HOME</c>): pointed elsewhere,
    /// settings nobody can see here (a git alias or pager, a shell's rc file) decide what the program runs.
    /// </summary>
    ConfigHome,
    /// <summary>Extra interpreter switches (<c>PERL5OPT</c>, <c>NODE_OPTIONS</c>): loading modules runs their code.</summary>
    InterpreterOptions,
    /// <summary>Ex commands vim runs at start-up (<c>VIMINIT</c>, <c>EXINIT</c>).</summary>
    VimCommands,
    /// <summary>Options for a tool that may name programs it runs (<c>TAR_OPTIONS</c>, <c>MAKEFLAGS</c>).</summary>
    ToolOptions,
    /// <summary>
    /// Directories programs and modules are looked up in (<c>PATH</c>, <c>PYTHONPATH</c>, <c>NODE_PATH</c>): a directory
    /// added there decides which code runs under a familiar name.
    /// </summary>
    SearchPath,
    /// <summary>A file a program appends its history to later (<c>HISTFILE</c>): a write nobody sees happen.</summary>
    HistoryFile,
    /// <summary>
    /// A tool's configuration file or directory, which can name programs it runs (kubeconfig exec plugins, AWS
    /// <c>credential_process</c>, docker credential helpers): the user's own under its usual home directory is trusted.
    /// </summary>
    ToolConfig,
}

/// <summary>Environment variables whose value is code some program runs.</summary>
public static class CodeEnvironment
{
    private static readonly FrozenDictionary<string, EnvironmentCode> Variables = new Dictionary<string, EnvironmentCode>(StringComparer.Ordinal)
    {
        ["PAGER"] = EnvironmentCode.Command, ["MANPAGER"] = EnvironmentCode.Command, ["SYSTEMD_PAGER"] = EnvironmentCode.Command,
        ["PSQL_PAGER"] = EnvironmentCode.Command, ["BAT_PAGER"] = EnvironmentCode.Command, ["DELTA_PAGER"] = EnvironmentCode.Command,
        ["EDITOR"] = EnvironmentCode.Command, ["VISUAL"] = EnvironmentCode.Command, ["SUDO_EDITOR"] = EnvironmentCode.Command,
        ["SYSTEMD_EDITOR"] = EnvironmentCode.Command, ["FCEDIT"] = EnvironmentCode.Command, ["BROWSER"] = EnvironmentCode.Command,
        ["SSH_ASKPASS"] = EnvironmentCode.Command, ["SUDO_ASKPASS"] = EnvironmentCode.Command, ["RSYNC_RSH"] = EnvironmentCode.Command,
        ["RSYNC_CONNECT_PROG"] = EnvironmentCode.Command, ["CVS_RSH"] = EnvironmentCode.Command, ["PROMPT_COMMAND"] = EnvironmentCode.Command,
        ["LESSOPEN"] = EnvironmentCode.LessPipe, ["LESSCLOSE"] = EnvironmentCode.LessPipe,
        ["LD_PRELOAD"] = EnvironmentCode.Library, ["LD_AUDIT"] = EnvironmentCode.Library, ["DYLD_INSERT_LIBRARIES"] = EnvironmentCode.Library,
        ["GCONV_PATH"] = EnvironmentCode.Library,
        ["BASH_ENV"] = EnvironmentCode.ShellStartup, ["RIPGREP_CONFIG_PATH"] = EnvironmentCode.ShellStartup,
        // Files an interpreter or tool runs or obeys at start: Python's and irb's interactive startup code, zsh's rc
        // directory, git's config files (which name pagers, editors, hooks and aliases that run).
        ["PYTHONSTARTUP"] = EnvironmentCode.ShellStartup, ["IRBRC"] = EnvironmentCode.ShellStartup, ["ZDOTDIR"] = EnvironmentCode.ShellStartup,
        ["GIT_CONFIG_GLOBAL"] = EnvironmentCode.ShellStartup, ["GIT_CONFIG_SYSTEM"] = EnvironmentCode.ShellStartup, ["GIT_CONFIG"] = EnvironmentCode.ShellStartup,
        ["NPM_CONFIG_USERCONFIG"] = EnvironmentCode.ShellStartup,
        ["HOME"] = EnvironmentCode.ConfigHome, ["XDG_CONFIG_HOME"] = EnvironmentCode.ConfigHome,
        ["PERL5OPT"] = EnvironmentCode.InterpreterOptions, ["RUBYOPT"] = EnvironmentCode.InterpreterOptions, ["NODE_OPTIONS"] = EnvironmentCode.InterpreterOptions,
        ["JAVA_TOOL_OPTIONS"] = EnvironmentCode.InterpreterOptions, ["_JAVA_OPTIONS"] = EnvironmentCode.InterpreterOptions,
        ["JDK_JAVA_OPTIONS"] = EnvironmentCode.InterpreterOptions,
        ["VIMINIT"] = EnvironmentCode.VimCommands, ["EXINIT"] = EnvironmentCode.VimCommands,
        ["PATH"] = EnvironmentCode.SearchPath, ["PYTHONPATH"] = EnvironmentCode.SearchPath, ["PYTHONHOME"] = EnvironmentCode.SearchPath,
        ["PYTHONUSERBASE"] = EnvironmentCode.SearchPath, ["PERL5LIB"] = EnvironmentCode.SearchPath, ["PERLLIB"] = EnvironmentCode.SearchPath,
        ["RUBYLIB"] = EnvironmentCode.SearchPath, ["GEM_PATH"] = EnvironmentCode.SearchPath, ["GEM_HOME"] = EnvironmentCode.SearchPath,
        ["NODE_PATH"] = EnvironmentCode.SearchPath, ["CLASSPATH"] = EnvironmentCode.SearchPath, ["LD_LIBRARY_PATH"] = EnvironmentCode.SearchPath,
        ["GIT_EXEC_PATH"] = EnvironmentCode.SearchPath, ["GIT_TEMPLATE_DIR"] = EnvironmentCode.SearchPath, ["LUA_PATH"] = EnvironmentCode.SearchPath,
        ["LUA_CPATH"] = EnvironmentCode.SearchPath, ["TCLLIBPATH"] = EnvironmentCode.SearchPath, ["R_LIBS"] = EnvironmentCode.SearchPath,
        ["MAKEFILES"] = EnvironmentCode.ShellStartup,
        ["HISTFILE"] = EnvironmentCode.HistoryFile, ["LESSHISTFILE"] = EnvironmentCode.HistoryFile, ["PYTHON_HISTORY"] = EnvironmentCode.HistoryFile,
        ["NODE_REPL_HISTORY"] = EnvironmentCode.HistoryFile, ["MYSQL_HISTFILE"] = EnvironmentCode.HistoryFile, ["PSQL_HISTORY"] = EnvironmentCode.HistoryFile,
        ["SQLITE_HISTORY"] = EnvironmentCode.HistoryFile, ["REDISCLI_HISTFILE"] = EnvironmentCode.HistoryFile,
        ["KUBECONFIG"] = EnvironmentCode.ToolConfig, ["AWS_CONFIG_FILE"] = EnvironmentCode.ToolConfig, ["DOCKER_CONFIG"] = EnvironmentCode.ToolConfig,
        ["CLOUDSDK_CONFIG"] = EnvironmentCode.ToolConfig, ["CARGO_HOME"] = EnvironmentCode.ToolConfig, ["AZURE_CONFIG_DIR"] = EnvironmentCode.ToolConfig,
        ["TAR_OPTIONS"] = EnvironmentCode.ToolOptions, ["MAKEFLAGS"] = EnvironmentCode.ToolOptions, ["GNUMAKEFLAGS"] = EnvironmentCode.ToolOptions,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out EnvironmentCode code) => Variables.TryGetValue(name, out code);

    /// <summary>Where each <see cref="EnvironmentCode.ToolConfig"/> variable's own files live, relative to HOME.</summary>
    private static readonly FrozenDictionary<string, string> ToolConfigHomes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["KUBECONFIG"] = ".kube", ["AWS_CONFIG_FILE"] = ".aws", ["DOCKER_CONFIG"] = ".docker", ["CLOUDSDK_CONFIG"] = ".config/gcloud",
        ["CARGO_HOME"] = ".cargo", ["AZURE_CONFIG_DIR"] = ".azure",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The directory under HOME where a <see cref="EnvironmentCode.ToolConfig"/> variable's own files live.</summary>
    public static string ToolConfigHome(string name) => ToolConfigHomes[name];

    /// <summary>Interpreter switches that load code (<c>-M</c>, <c>-r</c>, <c>--require</c>, <c>-javaagent</c>) or run it (<c>-e</c>).</summary>
    public static bool LoadsCode(string options) =>
        options.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Any(w =>
            w.StartsWith("-M", StringComparison.Ordinal) || w.StartsWith("-m", StringComparison.Ordinal) || w.StartsWith("-d", StringComparison.Ordinal)
            || w.StartsWith("-r", StringComparison.Ordinal) || w.StartsWith("-I", StringComparison.Ordinal) || w.StartsWith("-e", StringComparison.Ordinal)
            || w.StartsWith("--require", StringComparison.Ordinal) || w.StartsWith("--import", StringComparison.Ordinal) || w.StartsWith("--loader", StringComparison.Ordinal)
            || w.StartsWith("--experimental-loader", StringComparison.Ordinal) || w.StartsWith("-javaagent", StringComparison.Ordinal)
            || w.StartsWith("-agentlib", StringComparison.Ordinal) || w.StartsWith("-agentpath", StringComparison.Ordinal) || w.StartsWith("-XX:OnOutOfMemoryError", StringComparison.Ordinal)
            || w.StartsWith("--eval", StringComparison.Ordinal) || w.StartsWith("-p", StringComparison.Ordinal) || w.StartsWith("--inspect", StringComparison.Ordinal));

    /// <summary>Tool options that name programs or code to run (<c>--to-command</c>, <c>--use-compress-program</c>, <c>--eval</c>, <c>--pre</c>).</summary>
    public static bool NamesPrograms(string options) =>
        options.Contains("command", StringComparison.Ordinal) || options.Contains("program", StringComparison.Ordinal)
        || options.Contains("exec", StringComparison.Ordinal) || options.Contains("script", StringComparison.Ordinal) || options.Contains("eval", StringComparison.Ordinal)
        || options.Contains("-I", StringComparison.Ordinal) || options.Contains("-F", StringComparison.Ordinal) || options.Contains("-E", StringComparison.Ordinal)
        || options.Contains("SHELL", StringComparison.Ordinal) || options.Contains("--pre", StringComparison.Ordinal);
}
