namespace Interlock.Knowledge;

/// <summary>How a wrapper finds the command it runs.</summary>
public enum WrapperKind
{
    /// <summary>Options, then the command (<c>sudo -u x cmd</c>, <c>nohup cmd</c>).</summary>
    Prefix,
    /// <summary>Options, a fixed number of operands, then the command (<c>timeout 5 cmd</c>, <c>flock FILE cmd</c>).</summary>
    PrefixAfterOperands,
    /// <summary><c>env</c>: options, <c>NAME=VALUE</c> words, then the command; <c>-S</c> splits a string.</summary>
    Env,
    /// <summary>Arguments joined and run by a shell (<c>eval</c>, <c>watch</c>).</summary>
    JoinedShell,
    /// <summary><c>xargs</c>/<c>parallel</c>: a command completed by arguments from input.</summary>
    Xargs,
    /// <summary>Every operand is a separate shell command (<c>hyperfine 'cmd1' 'cmd2'</c>).</summary>
    EachArgumentShell,
}

/// <summary>A program that runs another command: what to skip to reach it, and what it adds (privilege, input-driven arguments).</summary>
public sealed record WrapperSpec(string NamesText, WrapperKind Kind, string ValueOptionsText = "", int Operands = 0)
{
    public IReadOnlyList<string> Names { get; } = NamesText.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // The sets below are built on a wrapper's first use, not with the table: a hook process builds the table at start
    // and uses one wrapper or none.
    private HashSet<string>? _valueOptions;

    internal HashSet<string> ValueOptions => _valueOptions ??= Set(ValueOptionsText);

    /// <summary>Whether the wrapped command runs with raised privileges.</summary>
    public bool Privileged { get; init; }

    /// <summary>An option that means the wrapper does not run a command at all (<c>command -v</c>, <c>sudo -l</c>).</summary>
    public string? LookupOptions { get; init { field = value; _lookupOptionSet = null; } }

    private HashSet<string>? _lookupOptionSet;

    internal HashSet<string> LookupOptionSet => _lookupOptionSet ??= Set(LookupOptions);

    /// <summary>
    /// Options (space-separated) whose value is a file the wrapper itself writes (<c>strace -o FILE</c>, <c>time -o FILE</c>,
    /// <c>valgrind --log-file=FILE</c>): a write besides whatever the wrapped command does.
    /// </summary>
    public string? OutputOptions { get; init { field = value; _outputOptionSet = null; } }

    private string[]? _outputOptionSet;

    internal string[] OutputOptionSet => _outputOptionSet ??= Words(OutputOptions);

    /// <summary>Options (space-separated) whose value is a file the wrapper reads (<c>xargs -a FILE</c>): a read like cat's.</summary>
    public string? InputOptions { get; init { field = value; _inputOptionSet = null; } }

    private string[]? _inputOptionSet;

    internal string[] InputOptionSet => _inputOptionSet ??= Words(InputOptions);

    /// <summary>An option that makes a multi-call binary write its applet links into the operand directory (<c>busybox --install -s DIR</c>).</summary>
    public string? InstallOption { get; init; }

    /// <summary>The operand is a file the wrapper writes, never a command (<c>script [-c CMD] FILE</c> writes its typescript).</summary>
    public bool OperandIsOutput { get; init; }

    /// <summary>Options whose value is itself a command string (<c>flock -c</c>, <c>su -c</c>, <c>sudo -s</c> with args).</summary>
    public string? CommandStringOptions { get; init; }

    /// <summary>Flags that make a <see cref="WrapperKind.JoinedShell"/> wrapper run its arguments directly, not through a shell (<c>watch -x</c>).</summary>
    public string? DirectExecOptions { get; init; }

    private static string[] Words(string? text) => text?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static HashSet<string> Set(string? text) => new(Words(text), StringComparer.Ordinal);
}

/// <summary>The wrappers Interlock sees through.</summary>
public static class Wrappers
{
    public static IReadOnlyList<WrapperSpec> All { get; } =
    [
        new("sudo", WrapperKind.Prefix, "-u --user -g --group -C --close-from -D --chdir -h --host -p --prompt -r --role -t --type -T --command-timeout -U --other-user")
            { Privileged = true, LookupOptions = "-l --list -v --validate -k -K -V --version" },
        new("doas", WrapperKind.Prefix, "-u -C") { Privileged = true },
        new("su", WrapperKind.Prefix, "-c --command -s --shell -g --group -G") { Privileged = true, CommandStringOptions = "-c --command" },
        new("run0 pkexec", WrapperKind.Prefix, "-u --user") { Privileged = true },
        new("env", WrapperKind.Env, "-u --unset -C --chdir -S --split-string"),
        new("command", WrapperKind.Prefix) { LookupOptions = "-v -V" },
        // Value options per wrapper: a flag taken for a value option would hide the command behind it (`setsid -f rm …`).
        new("builtin nohup setsid unbuffer chronic catchsegv eatmydata dumb-init tini ccache sccache distcc linux32 linux64", WrapperKind.Prefix),
        new("exec", WrapperKind.Prefix, "-a"),
        new("stdbuf", WrapperKind.Prefix, "-i -o -e --input --output --error"),
        new("caffeinate", WrapperKind.Prefix, "-t -w"),
        new("time", WrapperKind.Prefix, "-f --format -o --output") { OutputOptions = "-o --output" },
        new("nice", WrapperKind.Prefix, "-n --adjustment"),
        new("ionice", WrapperKind.Prefix, "-c --class -n --classdata -p --pid -P --pgid -u --uid"),
        new("chrt taskset", WrapperKind.PrefixAfterOperands, "", Operands: 1),
        new("timeout", WrapperKind.PrefixAfterOperands, "-s --signal -k --kill-after", Operands: 1),
        new("flock", WrapperKind.PrefixAfterOperands, "-w --timeout -E --conflict-exit-code", Operands: 1) { CommandStringOptions = "-c --command" },
        new("chroot", WrapperKind.PrefixAfterOperands, "--userspec --groups", Operands: 1) { Privileged = true },
        new("strace ltrace", WrapperKind.Prefix, "-e -o -p -s -E -u -P -S -a -b -I -O -X -U -n") { OutputOptions = "-o --output" },
        new("busybox toybox", WrapperKind.Prefix) { InstallOption = "--install" },
        new("npx pnpx bunx", WrapperKind.Prefix, "-p --package --node-options") { CommandStringOptions = "-c --call" },
        new("entr", WrapperKind.Prefix) { CommandStringOptions = "-s" },
        new("arch", WrapperKind.Prefix, "-arch"),
        new("firejail", WrapperKind.Prefix),
        new("valgrind", WrapperKind.Prefix, "--log-file --xml-file --tool") { OutputOptions = "--log-file --xml-file" },
        new("proxychains proxychains4", WrapperKind.Prefix, "-f"),
        new("torsocks", WrapperKind.Prefix, "-u --user -p --pass -a --address -P --port"),
        new("setpriv", WrapperKind.Prefix, "--reuid --regid --ruid --rgid --euid --egid --groups --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig --selinux-label --apparmor-profile --landlock-access --landlock-rule"),
        new("chpst", WrapperKind.Prefix, "-u -U -b -e -/ -n -l -L -m -d -o -p -f -c -r -t"),
        new("unshare", WrapperKind.Prefix, "-S --setuid -G --setgid -w --wd -R --root --propagation --setgroups --map-user --map-group --map-users --map-groups"),
        new("fakeroot", WrapperKind.Prefix, "-l --lib --faked -s -i -b"),
        new("xvfb-run", WrapperKind.Prefix, "-n --server-num -s --server-args -f --auth-file -e --error-file -p --xauth-protocol -w --wait"),
        new("numactl", WrapperKind.Prefix, "-C --physcpubind -N --cpunodebind -m --membind -p --preferred -i --interleave"),
        new("prlimit", WrapperKind.Prefix, "-p --pid -o --output"),
        new("cgexec", WrapperKind.Prefix, "-g"),
        new("trickle", WrapperKind.Prefix, "-d -u -w -t -l -n"),
        new("rlwrap", WrapperKind.Prefix, "-b -C -D -e -f -g -H -l -m -M -O -p -P -q -S -t -w -z"),
        new("sshpass", WrapperKind.Prefix, "-p -f -d -P"),
        new("systemd-cat", WrapperKind.Prefix, "-t --identifier -p --priority --stderr-priority --level-prefix"),
        new("mpirun mpiexec", WrapperKind.Prefix, "-n -np -c -H --host --hostfile --machinefile -x --map-by --bind-to"),
        new("setarch faketime", WrapperKind.PrefixAfterOperands, "", Operands: 1),
        new("gosu su-exec s6-setuidgid", WrapperKind.PrefixAfterOperands, "", Operands: 1) { Privileged = true },
        new("sg", WrapperKind.PrefixAfterOperands, "", Operands: 1) { CommandStringOptions = "-c" },
        new("nsenter", WrapperKind.Prefix, "-t --target -S --setuid -G --setgid") { Privileged = true },
        new("runuser", WrapperKind.Prefix, "-u --user -g --group -G --supp-group -s --shell") { Privileged = true, CommandStringOptions = "-c --command" },
        new("systemd-run", WrapperKind.Prefix, "-p --property -M --machine -E --setenv --description --unit --slice -H --host") { Privileged = true },
        new("script", WrapperKind.Prefix, "-T --log-timing -I --log-in -O --log-out -B --log-io -E --echo -m --logging-format")
            { CommandStringOptions = "-c --command", OutputOptions = "-T --log-timing -I --log-in -O --log-out -B --log-io", OperandIsOutput = true },
        // watchexec runs its arguments through a shell, like watch.
        new("watchexec", WrapperKind.JoinedShell, "-w --watch -e --exts -i --ignore -d --debounce -s --signal -f --filter --shell -E --env --stop-signal --stop-timeout --delay-run --poll -W --watch-non-recursive -F --filter-file -j --filter-prog --project-origin --workdir --on-busy-update --emit-events-to --log-file"),
        new("watch", WrapperKind.JoinedShell, "-n --interval -q --equexit") { DirectExecOptions = "-x --exec" },
        new("eval", WrapperKind.JoinedShell),
        new("hyperfine", WrapperKind.EachArgumentShell, "-w --warmup -r --runs -m --min-runs -M --max-runs -p --prepare -c --cleanup -s --setup --export-json --export-markdown --export-csv -n --command-name -P --parameter-scan -L --parameter-list -S --shell --conclude --output --sort --time-unit --style -N")
            { CommandStringOptions = "-p --prepare -c --cleanup -s --setup --conclude", OutputOptions = "--export-json --export-markdown --export-csv --export-asciidoc --export-orgmode" },
        new("xargs", WrapperKind.Xargs, "-I -i -L -l -n --max-args -P --max-procs -d --delimiter -E -e -s --max-chars -a --arg-file --process-slot-var") { InputOptions = "-a --arg-file" },
        new("parallel", WrapperKind.Xargs, "-j --jobs -S --sshlogin --joblog -I --delay --timeout --results -N -n --max-args -L --max-lines -E -C --colsep --basefile --workdir --wd --env --tmpdir --tagstring --memfree --load --retries --sshloginfile --slf --rpl --shebang-wrap --arg-sep --arg-file-sep -d --delimiter") { OutputOptions = "--joblog --results", InputOptions = "-a --arg-file --sshloginfile --slf" },
    ];
}
