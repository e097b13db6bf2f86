namespace ChatApp.Api.Hubs;

public class ChatHubOptions
{
    public const string Section = "Chat";

    /// <summary>Messages one connection may send per second; the excess is refused, not queued.</summary>
    public int MaxMessagesPerSecond { get; set; } = 20;

    /// <summary>Largest hub message a client may send, in bytes (a 4,000-character body fits easily).</summary>
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;
}
