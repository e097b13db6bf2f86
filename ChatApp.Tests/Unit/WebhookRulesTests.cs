using System.Net;
using ChatApp.Api.Reports;
using ChatApp.Api.Services;
using ChatApp.Api.Webhooks;

namespace ChatApp.Tests.Unit;

public class WebhookRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.9.9.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("::ffff:192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "private")]
    [InlineData("100.64.0.1", "shared")]
    [InlineData("0.0.0.0", "this network")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "multicast or reserved")]
    public void Refusal_NamesWhyANonPublicAddressIsRefused(string address, string why) =>
        Assert.Contains(why, WebhookAddresses.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    public void Refusal_IsNullForPublicAddresses(string address) => Assert.Null(WebhookAddresses.Refusal(IPAddress.Parse(address)));

    [Fact]
    public void Signature_IsHexHmacOfTimeDotBody_AndVerifiesOnlyWithTheSecretAndWithinTheTolerance()
    {
        // Known answer, computed with Python's hmac: HMAC-SHA256(key "whsec_test", "1700000000.{}").
        Assert.Equal("t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91", WebhookSignature.Sign("whsec_test", 1_700_000_000, "{}"));
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var header = WebhookSignature.Sign("whsec_test", 1_700_000_000, "{\"a\":1}");
        Assert.True(WebhookSignature.Verify("whsec_test", header, "{\"a\":1}", at.AddSeconds(30), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{\"a\":2}", at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", header, "{\"a\":1}", at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{\"a\":1}", at.AddMinutes(10), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void RetryDelay_DoublesFromTheFirstDelay_UpToTheMaximum()
    {
        var options = new WebhookOptions { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromHours(1) };
        Assert.Equal(
            [30, 60, 120, 240, 480, 960, 1920, 3600, 3600],
            Enumerable.Range(1, 9).Select(n => options.RetryDelay(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromHours(1), options.RetryDelay(500));
    }

    [Theory]
    [InlineData("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("plain", "plain")]
    public void CsvCell_QuotesAndDefusesFormulas(string value, string cell) => Assert.Equal(cell, ReportService.CsvCell(value));

    [Fact]
    public void ReportPeriod_UsesLocalMidnights_AcrossDaylightSavingTime()
    {
        // Paris leaves summer time on 25 October 2026: the first day starts at UTC+2, the day after the period at UTC+1.
        var period = ReportPeriod.Parse("2026-10-24", "2026-10-25", "Europe/Paris", DateTimeOffset.UtcNow);
        Assert.Equal(DateTimeOffset.Parse("2026-10-23T22:00:00Z"), period.Start);
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T23:00:00Z"), period.End);
        Assert.Equal(2, period.Days);
    }

    [Fact]
    public void ReportPeriod_RefusesUnknownZonesAndReversedOrOverlongPeriods()
    {
        Assert.Equal("tz", Field(() => ReportPeriod.Parse(null, null, "Nowhere/Else", DateTimeOffset.UtcNow)));
        Assert.Equal("from", Field(() => ReportPeriod.Parse("2026-11-02", "2026-11-01", null, DateTimeOffset.UtcNow)));
        Assert.Equal("to", Field(() => ReportPeriod.Parse("2025-01-01", "2026-11-01", null, DateTimeOffset.UtcNow)));
    }

    private static string Field(Action act) => Assert.Single(Assert.Throws<ChatException>(act).FieldErrors!.Keys);
}
