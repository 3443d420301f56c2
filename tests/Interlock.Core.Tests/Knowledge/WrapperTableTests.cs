using Interlock.Knowledge;

namespace Interlock.Core.Tests.Knowledge;

/// <summary>The wrapper name switch and the wrapper table are written apart: they must agree name for name.</summary>
public sealed class WrapperTableTests
{
    [Fact]
    public void EveryWrapperNameFindsItsOwnWrapper()
    {
        Assert.Equal(Wrappers.Count, Wrappers.All.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Wrappers.Count; i++)
        {
            var spec = Wrappers.All[i];
            Assert.NotEmpty(spec.Names);
            foreach (var name in spec.Names)
            {
                Assert.True(seen.Add(name), $"'{name}' names two wrappers");
                Assert.Equal(i, Wrappers.IndexOf(name));
                Assert.True(CommandKnowledge.Default.TryGetWrapper(name, out var found), name);
                Assert.Same(spec, found);
                Assert.True(CommandKnowledge.Default.Knows(name), name);
            }
        }
    }

    [Fact]
    public void TheTableHasNoWrapperPastItsCount() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Wrappers.Create(Wrappers.Count));

    [Theory]
    [InlineData("sudox")]
    [InlineData("Sudo")]
    [InlineData("git")]
    [InlineData("")]
    public void OtherNamesAreNoWrapper(string name) => Assert.False(CommandKnowledge.Default.TryGetWrapper(name, out _));

    [Fact]
    public void AWrapperIsBuiltOnceAndItsSetsOnFirstUse()
    {
        Assert.True(CommandKnowledge.Default.TryGetWrapper("timeout", out var timeout));
        Assert.True(CommandKnowledge.Default.TryGetWrapper("timeout", out var again));
        Assert.Same(timeout, again);
        Assert.Contains("-s", timeout.ValueOptions);
        Assert.Same(timeout.ValueOptions, timeout.ValueOptions);
        Assert.True(CommandKnowledge.Default.TryGetWrapper("xargs", out var xargs));
        Assert.Equal(["-a", "--arg-file"], xargs.InputOptionSet);
        Assert.True(CommandKnowledge.Default.TryGetWrapper("sudo", out var sudo));
        Assert.Contains("-l", sudo.LookupOptionSet);
        Assert.Equal(["-o", "--output"], Wrappers.All[Wrappers.IndexOf("time")].OutputOptionSet);
    }

    [Fact]
    public void ARecordCopyWithOtherOptionsReadsItsOwnOptions()
    {
        Assert.True(CommandKnowledge.Default.TryGetWrapper("time", out var time));
        Assert.Equal(["-o", "--output"], time.OutputOptionSet);
        var copy = time with { OutputOptions = "--log", LookupOptions = "-q", InputOptions = "-i" };
        Assert.Equal(["--log"], copy.OutputOptionSet);
        Assert.Contains("-q", copy.LookupOptionSet);
        Assert.Equal(["-i"], copy.InputOptionSet);
    }
}
