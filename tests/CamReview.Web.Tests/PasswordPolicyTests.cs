using CamReview.Web.Accounts;

namespace CamReview.Web.Tests;

/// <summary>The rules a new password is held to (<see cref="PasswordPolicy"/>).</summary>
public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("12345678", "at least 12")]
    [InlineData("password", "at least 12")]
    [InlineData("aaaaaaaa", "at least 12")]
    [InlineData("", "at least 12")]
    [InlineData(null, "at least 12")]
    [InlineData("            ", "only spaces")]
    [InlineData("aaaaaaaaaaaa", "repeated")]
    [InlineData("ZZZZZZZZZZZZZZZZ", "repeated")]
    [InlineData("abcabcabcabc", "repeated")]
    [InlineData("passwordpassword", "repeated")]
    [InlineData("abcdefghijkl", "sequence")]
    [InlineData("lkjihgfedcba", "sequence")]
    [InlineData("123456789012", "sequence")]
    [InlineData("987654321098", "sequence")]
    [InlineData("qwertyuiopas", "sequence")]
    [InlineData("password1234", "most common")]
    [InlineData("Password123!", "most common")]
    [InlineData("P@ssw0rd2024", "most common")]
    [InlineData("!!letmein!!!", "most common")]
    [InlineData("1qaz2wsx3edc", "most common")]
    [InlineData("administrator", "most common")]
    public void WeakPasswordsAreRefusedWithTheReason(string? password, string why) =>
        Assert.Contains(why, PasswordPolicy.Check(password));

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("lovelace-1843")]
    [InlineData("same-password-for-all")]
    [InlineData("temporary-pw")]
    [InlineData("Fixture-Passw0rd!")]
    [InlineData("bench-password-1")]
    [InlineData("kJ8#q2!vLm0z")]
    public void OtherPasswordsAreAccepted(string password) => Assert.Null(PasswordPolicy.Check(password));

    [Fact]
    public void TooLongIsRefused() => Assert.Contains("at most 256", PasswordPolicy.Check(new string('x', 100) + Guid.NewGuid().ToString("N") + new string('y', 200)));

    [Fact]
    public void GeneratedTemporaryPasswordsPass()
    {
        for (var i = 0; i < 200; i++) Assert.Null(PasswordPolicy.Check(AccountService.GenerateTemporaryPassword()));
    }
}
