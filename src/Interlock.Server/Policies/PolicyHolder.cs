using System.Security.Cryptography;
using System.Text;
using Interlock.Policy;
using Interlock.Actions;
using Interlock.Throttling;

namespace Interlock.Server.Policies;

/// <summary>
/// The policy the server decides with, hot-reloaded: a change to the file (or an included file) is loaded and swapped
/// in atomically; a change that does not load leaves the last good policy serving and is reported in
/// <see cref="LastError"/> (and <c>/healthz</c>). One <see cref="ConstraintLimiter"/> spans reloads.
/// </summary>
public sealed class PolicyHolder : IDisposable
{
    private readonly string? _path;
    private readonly TextWriter _log;
    private readonly ConstraintLimiter _limiter;
    private readonly ITimer? _timer;
    private readonly Lock _reloadLock = new();
    private volatile ActionEvaluator _evaluator;
    private SelfProtection _self;
    private readonly TimeProvider _time;
    private string _sourceFingerprint;
    private string? _lastError;

    private PolicyHolder(string? path, PolicyStack policy, string fingerprint, TimeProvider time, TimeSpan interval, TextWriter log, SelfProtection self)
    {
        _path = path;
        _log = log;
        _self = self;
        _time = time;
        _limiter = new ConstraintLimiter(time);
        _evaluator = new ActionEvaluator(policy, limiter: _limiter, selfProtection: self, time: _time);
        _sourceFingerprint = fingerprint;
        if (path is not null) _timer = time.CreateTimer(_ => Reload(), null, interval, interval);
    }

    /// <summary>Loads the policy; null after writing its errors to <paramref name="log"/> (the server then refuses to start).</summary>
    public static PolicyHolder? Load(string? path, TimeProvider time, TimeSpan interval, TextWriter log, SelfProtection? self = null)
    {
        var policy = PolicySource.Load(path, log);
        if (policy is null) return null;
        return new PolicyHolder(path, policy, Fingerprint(path), time, interval, log, self ?? SelfProtection.Default);
    }

    /// <summary>Decides from now on with <paramref name="self"/> (the gateway learns its own port once it listens).</summary>
    public void Protect(SelfProtection self)
    {
        lock (_reloadLock)
        {
            _self = self;
            _evaluator = new ActionEvaluator(_evaluator.Policy, limiter: _limiter, selfProtection: self, time: _time);
        }
    }

    public ActionEvaluator Evaluator => _evaluator;

    public string Hash => _evaluator.Policy.Hash;

    /// <summary>Where the policy came from, for logs and <c>/healthz</c>.</summary>
    public string Source => _path ?? PolicySource.DefaultName;

    /// <summary>The errors of the last change that failed to load, or null when the file on disk is what serves.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Loads the file again if it changed; returns whether a new policy now serves.</summary>
    public bool Reload()
    {
        if (_path is null) return false;
        lock (_reloadLock)
        {
            var fingerprint = Fingerprint(_path);
            if (fingerprint == _sourceFingerprint) return false;
            _sourceFingerprint = fingerprint;
            var errors = new StringWriter();
            var policy = PolicySource.Load(_path, errors);
            if (policy is null)
            {
                var text = errors.ToString().Trim();
                Volatile.Write(ref _lastError, text);
                _log.WriteLine($"interlock: policy reload failed; still serving {Hash}:\n{text}");
                return false;
            }
            Volatile.Write(ref _lastError, null);
            if (policy.Hash == Hash) return false;
            _evaluator = new ActionEvaluator(policy, limiter: _limiter, selfProtection: _self, time: _time);
            _log.WriteLine($"interlock: policy reloaded from {_path}: {policy.Hash}");
            return true;
        }
    }

    /// <summary>A digest of the policy file and the names, times and sizes of the YAML files under its directory (includes live there); bounded.</summary>
    private static string Fingerprint(string? path)
    {
        if (path is null) return "";
        var sb = new StringBuilder();
        var full = Path.GetFullPath(path);
        sb.Append(PolicySource.ReadOrNull(full));
        var dir = Path.GetDirectoryName(full);
        if (dir is not null && Directory.Exists(dir))
            foreach (var f in Directory.EnumerateFiles(dir, "*.y*ml", SearchOption.AllDirectories).Take(500).Order(StringComparer.Ordinal))
                sb.Append('\0').Append(f).Append('\0').Append(File.GetLastWriteTimeUtc(f).Ticks).Append('\0').Append(new FileInfo(f).Length);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public void Dispose() => _timer?.Dispose();
}
