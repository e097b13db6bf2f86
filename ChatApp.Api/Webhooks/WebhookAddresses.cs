using System.Net;
using System.Net.Sockets;

namespace ChatApp.Api.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: public unicast only, unless private addresses are allowed. Checked on the
/// address actually connected to (<see cref="WebhookSender"/>), so a host name that resolves, or later re-resolves, to
/// an internal address (DNS rebinding) is refused too.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Why the address may not be reached, or null when it may.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address)) return "a loopback address";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [0, ..] => "a \"this network\" address",
                [10, ..] => "a private address",
                [100, >= 64 and <= 127, ..] => "a shared (carrier-grade NAT) address",
                [169, 254, ..] => "a link-local address",
                [172, >= 16 and <= 31, ..] => "a private address",
                [192, 0, 0, ..] => "a reserved address",
                [192, 168, ..] => "a private address",
                [198, 18 or 19, ..] => "a benchmarking address",
                [>= 224, ..] => "a multicast or reserved address",
                _ => null,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any)) return "the unspecified address";
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "a link-local address";
            if (address.IsIPv6Multicast) return "a multicast address";
            if (address.IsIPv6UniqueLocal) return "a private (unique local) address";
            if (address.IsIPv4MappedToIPv6 || address.IsIPv6Teredo) return "a tunnelled address";
            var b = address.GetAddressBytes();
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return "a NAT64 address";
            return null;
        }
        return "an address of an unknown kind";
    }
}
