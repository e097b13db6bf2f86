namespace ChatApp.Api.Hubs;

public class ChatHubOptions
{
    public const string Section = "Chat";

    /// <summary>Messages one connection may send per second; the excess is refused, not queued.</summary>
    public int MaxMessagesPerSecond { get; set; } = 20;

    /// <summary>
    /// Hub calls one connection may have running at once. Sends are queued to the writer in the order they arrive,
    /// so a connection's messages keep their order while it waits for several commits at a time.
    /// </summary>
    public int MaxParallelInvocationsPerClient { get; set; } = 8;

    /// <summary>Largest hub message a client may send, in bytes (a 4,000-character body fits easily).</summary>
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;
}
