namespace Interlock.Server.Tests;

/// <summary>The gateway's secrets are owner-only after a real start: any process of the same user once read <c>admin.token</c>'s neighbours.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryModeTests
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] Secrets = ["admin.token", "audit-signing-key.pem", "audit.db", "state.db"];

    private static UnixFileMode Bits(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0x1FF;

    private static void AssertOwnerOnly(string dir)
    {
        Assert.Equal(Owner | UnixFileMode.UserExecute, Bits(dir));
        foreach (var name in Secrets) Assert.True(File.Exists(Path.Combine(dir, name)), name + " is missing");
        foreach (var name in Secrets.Concat(["audit.db-wal", "audit.db-shm", "state.db-wal", "state.db-shm"]))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) Assert.True(Bits(path) == Owner, $"{name} is {Convert.ToString((int)Bits(path), 8)}");
        }
    }

    [Fact]
    public async Task A_first_start_creates_every_secret_owner_only()
    {
        var dir = Path.Combine(Repository.TempDirectory("modes"), "data");
        await using var gw = await GatewayFixture.StartAsync(dataDirectory: dir);
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "ls", cwd = "/home/dev/app" });
        AssertOwnerOnly(dir);
    }

    [Fact]
    public async Task A_start_tightens_looser_modes_it_finds_and_says_so()
    {
        var dir = Path.Combine(Repository.TempDirectory("modes"), "data");
        await (await GatewayFixture.StartAsync(dataDirectory: dir)).Host.DisposeAsync();
        var loose = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(dir, loose | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var name in Secrets) File.SetUnixFileMode(Path.Combine(dir, name), loose);

        var log = new StringWriter();
        await using var gw = await GatewayFixture.StartAsync(o => o with { Log = log }, dir);
        AssertOwnerOnly(dir);
        var text = log.ToString();
        Assert.Contains($"{Path.Combine(dir, "admin.token")} was mode 0644", text, StringComparison.Ordinal);
        Assert.Contains($"{dir} was mode 0755", text, StringComparison.Ordinal);
    }
}
