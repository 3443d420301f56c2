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
    public IReadOnlyList<string> Names => NameList;

    internal string[] NameList { get; } = NamesText.Split(' ', StringSplitOptions.RemoveEmptyEntries);

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
    /// <summary>How many wrappers there are (<see cref="Create"/> builds numbers 0 to Count - 1).</summary>
    internal const int Count = 52;

    // Each wrapper is built on its first lookup, like the built-in programs: a hook process decides one command, and
    // building the whole table and its name index was a third of the time its knowledge took to be ready.
    private static readonly WrapperSpec?[] Built = new WrapperSpec?[Count];

    private static WrapperSpec[]? _all;

    /// <summary>Every wrapper, in table order (this builds them all: for listings and pack checks, not for deciding).</summary>
    public static IReadOnlyList<WrapperSpec> All
    {
        get
        {
            if (_all is { } all) return all;
            var built = new WrapperSpec[Count];
            for (var i = 0; i < Count; i++) built[i] = Get(i);
            return _all = built;
        }
    }

    /// <summary>The wrapper that answers to <paramref name="name"/>, if any.</summary>
    internal static bool TryGet(string name, out WrapperSpec spec)
    {
        var index = IndexOf(name);
        // The name switch and the table are written apart; a name the wrapper does not list is no match (and a test
        // checks that every listed name finds its own wrapper).
        if (index >= 0 && Array.IndexOf((spec = Get(index)).NameList, name) >= 0) return true;
        spec = null!;
        return false;
    }

    private static WrapperSpec Get(int index) =>
        Volatile.Read(ref Built[index]) ?? Interlocked.CompareExchange(ref Built[index], Create(index), null) ?? Built[index]!;

    /// <summary>The number of the wrapper named <paramref name="name"/>, or -1.</summary>
    internal static int IndexOf(string name) => name switch
    {
        "sudo" => 0,
        "doas" => 1,
        "su" => 2,
        "run0" or "pkexec" => 3,
        "env" => 4,
        "command" => 5,
        "builtin" or "nohup" or "setsid" or "unbuffer" or "chronic" or "catchsegv" or "eatmydata" or "dumb-init" or "tini" or "ccache" or "sccache" or "distcc" or "linux32" or "linux64" => 6,
        "exec" => 7,
        "stdbuf" => 8,
        "caffeinate" => 9,
        "time" => 10,
        "nice" => 11,
        "ionice" => 12,
        "chrt" or "taskset" => 13,
        "timeout" => 14,
        "flock" => 15,
        "chroot" => 16,
        "strace" or "ltrace" => 17,
        "busybox" or "toybox" => 18,
        "npx" or "pnpx" or "bunx" => 19,
        "entr" => 20,
        "arch" => 21,
        "firejail" => 22,
        "valgrind" => 23,
        "proxychains" or "proxychains4" => 24,
        "torsocks" => 25,
        "setpriv" => 26,
        "chpst" => 27,
        "unshare" => 28,
        "fakeroot" => 29,
        "xvfb-run" => 30,
        "numactl" => 31,
        "prlimit" => 32,
        "cgexec" => 33,
        "trickle" => 34,
        "rlwrap" => 35,
        "sshpass" => 36,
        "systemd-cat" => 37,
        "mpirun" or "mpiexec" => 38,
        "setarch" or "faketime" => 39,
        "gosu" or "su-exec" or "s6-setuidgid" => 40,
        "sg" => 41,
        "nsenter" => 42,
        "runuser" => 43,
        "systemd-run" => 44,
        "script" => 45,
        "watchexec" => 46,
        "watch" => 47,
        "eval" => 48,
        "hyperfine" => 49,
        "xargs" => 50,
        "parallel" => 51,
        _ => -1,
    };

    /// <summary>A new instance of wrapper number <paramref name="index"/>.</summary>
    internal static WrapperSpec Create(int index) => index switch
    {
        0 => new("sudo", WrapperKind.Prefix, "-u --user -g --group -C --close-from -D --chdir -h --host -p --prompt -r --role -t --type -T --command-timeout -U --other-user")
            { Privileged = true, LookupOptions = "-l --list -v --validate -k -K -V --version" },
        1 => new("doas", WrapperKind.Prefix, "-u -C") { Privileged = true },
        2 => new("su", WrapperKind.Prefix, "-c --command -s --shell -g --group -G") { Privileged = true, CommandStringOptions = "-c --command" },
        3 => new("run0 pkexec", WrapperKind.Prefix, "-u --user") { Privileged = true },
        4 => new("env", WrapperKind.Env, "-u --unset -C --chdir -S --split-string"),
        5 => new("command", WrapperKind.Prefix) { LookupOptions = "-v -V" },
        // Value options per wrapper: a flag taken for a value option would hide the command behind it (`setsid -f rm …`).
        6 => new("builtin nohup setsid unbuffer chronic catchsegv eatmydata dumb-init tini ccache sccache distcc linux32 linux64", WrapperKind.Prefix),
        7 => new("exec", WrapperKind.Prefix, "-a"),
        8 => new("stdbuf", WrapperKind.Prefix, "-i -o -e --input --output --error"),
        9 => new("caffeinate", WrapperKind.Prefix, "-t -w"),
        10 => new("time", WrapperKind.Prefix, "-f --format -o --output") { OutputOptions = "-o --output" },
        11 => new("nice", WrapperKind.Prefix, "-n --adjustment"),
        12 => new("ionice", WrapperKind.Prefix, "-c --class -n --classdata -p --pid -P --pgid -u --uid"),
        13 => new("chrt taskset", WrapperKind.PrefixAfterOperands, "", Operands: 1),
        14 => new("timeout", WrapperKind.PrefixAfterOperands, "-s --signal -k --kill-after", Operands: 1),
        15 => new("flock", WrapperKind.PrefixAfterOperands, "-w --timeout -E --conflict-exit-code", Operands: 1) { CommandStringOptions = "-c --command" },
        16 => new("chroot", WrapperKind.PrefixAfterOperands, "--userspec --groups", Operands: 1) { Privileged = true },
        17 => new("strace ltrace", WrapperKind.Prefix, "-e -o -p -s -E -u -P -S -a -b -I -O -X -U -n") { OutputOptions = "-o --output" },
        18 => new("busybox toybox", WrapperKind.Prefix) { InstallOption = "--install" },
        19 => new("npx pnpx bunx", WrapperKind.Prefix, "-p --package --node-options") { CommandStringOptions = "-c --call" },
        20 => new("entr", WrapperKind.Prefix) { CommandStringOptions = "-s" },
        21 => new("arch", WrapperKind.Prefix, "-arch"),
        22 => new("firejail", WrapperKind.Prefix),
        23 => new("valgrind", WrapperKind.Prefix, "--log-file --xml-file --tool") { OutputOptions = "--log-file --xml-file" },
        24 => new("proxychains proxychains4", WrapperKind.Prefix, "-f"),
        25 => new("torsocks", WrapperKind.Prefix, "-u --user -p --pass -a --address -P --port"),
        26 => new("setpriv", WrapperKind.Prefix, "--reuid --regid --ruid --rgid --euid --egid --groups --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig --selinux-label --apparmor-profile --landlock-access --landlock-rule"),
        27 => new("chpst", WrapperKind.Prefix, "-u -U -b -e -/ -n -l -L -m -d -o -p -f -c -r -t"),
        28 => new("unshare", WrapperKind.Prefix, "-S --setuid -G --setgid -w --wd -R --root --propagation --setgroups --map-user --map-group --map-users --map-groups"),
        29 => new("fakeroot", WrapperKind.Prefix, "-l --lib --faked -s -i -b"),
        30 => new("xvfb-run", WrapperKind.Prefix, "-n --server-num -s --server-args -f --auth-file -e --error-file -p --xauth-protocol -w --wait"),
        31 => new("numactl", WrapperKind.Prefix, "-C --physcpubind -N --cpunodebind -m --membind -p --preferred -i --interleave"),
        32 => new("prlimit", WrapperKind.Prefix, "-p --pid -o --output"),
        33 => new("cgexec", WrapperKind.Prefix, "-g"),
        34 => new("trickle", WrapperKind.Prefix, "-d -u -w -t -l -n"),
        35 => new("rlwrap", WrapperKind.Prefix, "-b -C -D -e -f -g -H -l -m -M -O -p -P -q -S -t -w -z"),
        36 => new("sshpass", WrapperKind.Prefix, "-p -f -d -P"),
        37 => new("systemd-cat", WrapperKind.Prefix, "-t --identifier -p --priority --stderr-priority --level-prefix"),
        38 => new("mpirun mpiexec", WrapperKind.Prefix, "-n -np -c -H --host --hostfile --machinefile -x --map-by --bind-to"),
        39 => new("setarch faketime", WrapperKind.PrefixAfterOperands, "", Operands: 1),
        40 => new("gosu su-exec s6-setuidgid", WrapperKind.PrefixAfterOperands, "", Operands: 1) { Privileged = true },
        41 => new("sg", WrapperKind.PrefixAfterOperands, "", Operands: 1) { CommandStringOptions = "-c" },
        42 => new("nsenter", WrapperKind.Prefix, "-t --target -S --setuid -G --setgid") { Privileged = true },
        43 => new("runuser", WrapperKind.Prefix, "-u --user -g --group -G --supp-group -s --shell") { Privileged = true, CommandStringOptions = "-c --command" },
        44 => new("systemd-run", WrapperKind.Prefix, "-p --property -M --machine -E --setenv --description --unit --slice -H --host") { Privileged = true },
        45 => new("script", WrapperKind.Prefix, "-T --log-timing -I --log-in -O --log-out -B --log-io -E --echo -m --logging-format")
            { CommandStringOptions = "-c --command", OutputOptions = "-T --log-timing -I --log-in -O --log-out -B --log-io", OperandIsOutput = true },
        // watchexec runs its arguments through a shell, like watch.
        46 => new("watchexec", WrapperKind.JoinedShell, "-w --watch -e --exts -i --ignore -d --debounce -s --signal -f --filter --shell -E --env --stop-signal --stop-timeout --delay-run --poll -W --watch-non-recursive -F --filter-file -j --filter-prog --project-origin --workdir --on-busy-update --emit-events-to --log-file"),
        47 => new("watch", WrapperKind.JoinedShell, "-n --interval -q --equexit") { DirectExecOptions = "-x --exec" },
        48 => new("eval", WrapperKind.JoinedShell),
        49 => new("hyperfine", WrapperKind.EachArgumentShell, "-w --warmup -r --runs -m --min-runs -M --max-runs -p --prepare -c --cleanup -s --setup --export-json --export-markdown --export-csv -n --command-name -P --parameter-scan -L --parameter-list -S --shell --conclude --output --sort --time-unit --style -N")
            { CommandStringOptions = "-p --prepare -c --cleanup -s --setup --conclude", OutputOptions = "--export-json --export-markdown --export-csv --export-asciidoc --export-orgmode" },
        50 => new("xargs", WrapperKind.Xargs, "-I -i -L -l -n --max-args -P --max-procs -d --delimiter -E -e -s --max-chars -a --arg-file --process-slot-var") { InputOptions = "-a --arg-file" },
        51 => new("parallel", WrapperKind.Xargs, "-j --jobs -S --sshlogin --joblog -I --delay --timeout --results -N -n --max-args -L --max-lines -E -C --colsep --basefile --workdir --wd --env --tmpdir --tagstring --memfree --load --retries --sshloginfile --slf --rpl --shebang-wrap --arg-sep --arg-file-sep -d --delimiter") { OutputOptions = "--joblog --results", InputOptions = "-a --arg-file --sshloginfile --slf" },
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
