using System.Security.Cryptography;
using System.Text;
using ChatApp.Api.Services;

namespace ChatApp.Tests.Unit;

public class VisitorIdentityTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Hash_IsTheHexHmacSha256OfTheIdentifierWithTheSecret()
    {
        // The same computation a site's server does (e.g. Node: createHmac('sha256', secret).update(id).digest('hex')).
        var expected = Convert.ToHexStringLower(new HMACSHA256(Encoding.UTF8.GetBytes(Secret)).ComputeHash(Encoding.UTF8.GetBytes("customer-42")));
        Assert.Equal(expected, VisitorIdentity.Hash("customer-42", Secret));
        Assert.True(VisitorIdentity.Verify("customer-42", expected.ToUpperInvariant(), Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not hex at all")]
    [InlineData("abcd")]
    public void Verify_RefusesMissingOrMalformedHashes(string? hash) =>
        Assert.False(VisitorIdentity.Verify("customer-42", hash, Secret));

    [Fact]
    public void Verify_RefusesAHashOfAnotherIdentifierOrSecret()
    {
        Assert.False(VisitorIdentity.Verify("customer-43", VisitorIdentity.Hash("customer-42", Secret), Secret));
        Assert.False(VisitorIdentity.Verify("customer-42", VisitorIdentity.Hash("customer-42", "another-secret"), Secret));
    }
}
