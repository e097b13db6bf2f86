using System.Collections.Concurrent;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Hubs;

/// <summary>
/// The real-time side of the chat at <c>/hubs/chat</c>. Every rule lives in <see cref="ConversationService"/>;
/// this class only maps connections to callers and groups.
/// </summary>
[Authorize(Policy = Policies.Participant)]
public class ChatHub(
    ConversationService conversations, PresenceService presence, ChatDbContext db, StaffConnections staff,
    LocalConnections local, IChatLimits limits, ILogger<ChatHub> logger) : Hub<IChatClient>
{
    private const string ConnectionSlotKey = "connection-slot";
    private const string JoinedKey = "joined-conversations";

    private Caller Caller => Caller.From(Context.User!);

    public override async Task OnConnectedAsync()
    {
        var caller = Caller;
        if (caller.IsVisitor)
        {
            // Each connection gets every broadcast of its conversations: a token must not multiply them by thousands.
            var slot = limits.OpenConnection(caller.Id);
            Context.Items[ConnectionSlotKey] = slot;
            List<Guid> own;
            try
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Visitor(caller.Id));
                own = await db.Conversations.AsNoTracking()
                    .Where(c => c.VisitorId == caller.Id)
                    .Select(c => c.Id)
                    .ToListAsync(Context.ConnectionAborted);
            }
            catch
            {
                // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed.
                slot.Dispose();
                throw;
            }
            foreach (var id in own)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(id));
            }
            // Several calls of one connection may run at once (MaxParallelInvocationsPerClient).
            Context.Items[JoinedKey] = new ConcurrentDictionary<Guid, byte>(own.Select(id => KeyValuePair.Create(id, (byte)0)));
        }
        else
        {
            // Two registries, two jobs: StaffConnections holds this instance's live connections so IStaffSessions can
            // abort them; staff_connections (PresenceService) is the shared record of who is online, on every instance.
            staff.Add(caller.Id, Context);
            try
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Operators);
                await presence.ConnectedAsync(caller, Context.ConnectionId, Context.ConnectionAborted);
            }
            catch
            {
                // SignalR does not call OnDisconnectedAsync for a connection refused here: undo both registrations, or
                // this instance's heartbeat would keep a dead connection's row (and the user online) alive.
                staff.Remove(caller.Id, Context);
                try
                {
                    await presence.DisconnectedAsync(caller, Context.ConnectionId, CancellationToken.None);
                }
                catch (Exception cleanup)
                {
                    logger.LogWarning(cleanup, "Could not remove the presence row of refused connection {ConnectionId}", Context.ConnectionId);
                }
                throw;
            }
        }
        local.Add(Context.ConnectionId);
        ChatTelemetry.HubConnections.Add(1);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var caller = Caller;
        if (caller.IsStaff)
        {
            staff.Remove(caller.Id, Context);
        }
        local.Remove(Context.ConnectionId);
        ChatTelemetry.HubConnections.Add(-1);
        if (Context.Items.TryGetValue(ConnectionSlotKey, out var slot))
        {
            (slot as IDisposable)?.Dispose();
        }
        await base.OnDisconnectedAsync(exception);
        if (caller.IsStaff)
        {
            // Not cancelled with the connection: the last one going must still turn the user offline.
            await presence.DisconnectedAsync(caller, Context.ConnectionId, CancellationToken.None);
        }
    }

    public async Task<MessageDto> SendMessage(Guid conversationId, string clientMessageId, string body, Guid? attachmentId)
    {
        var caller = Caller;
        var (message, _) = await conversations.SendAsync(
            caller, conversationId, new SendMessageRequest(clientMessageId, body, attachmentId), Context.ConnectionAborted);
        // SignalR's span of this hub call gets the ids too, so a message's trace can be found by them.
        System.Diagnostics.Activity.Current?.SetTag("chat.conversation.id", conversationId).SetTag("chat.message.id", message.Id);
        if (caller.IsVisitor && Context.Items[JoinedKey] is ConcurrentDictionary<Guid, byte> joined && joined.TryAdd(conversationId, 0))
        {
            // A visitor that started a conversation after connecting was not joined on connect.
            await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversationId));
        }
        return message;
    }

    /// <summary>A private note: stored, then sent to the staff following the conversation (never its visitor).</summary>
    public async Task<MessageDto> SendNote(Guid conversationId, string clientMessageId, string body)
    {
        var (note, _) = await conversations.SendNoteAsync(
            Caller, conversationId, new SendNoteRequest(clientMessageId, body), Context.ConnectionAborted);
        return note;
    }

    public async Task<ConversationDto> JoinConversation(Guid conversationId)
    {
        var caller = Caller;
        var conversation = await conversations.GetAsync(caller, conversationId, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversationId));
        if (caller.IsStaff)
        {
            // Private notes and activity records go to this group only: a visitor is never in it.
            await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.ConversationStaff(conversationId));
        }
        return conversation;
    }

    public async Task LeaveConversation(Guid conversationId)
    {
        RequireStaff();
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversationId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ChatGroups.ConversationStaff(conversationId));
    }

    public Task<IReadOnlyList<MessageDto>> GetMessagesAfter(Guid conversationId, long afterMessageId) =>
        conversations.GetMessagesAfterAsync(Caller, conversationId, afterMessageId,
            ConversationService.MaxMessagesPerRead, Context.ConnectionAborted);

    public Task SetTyping(Guid conversationId, bool isTyping) =>
        conversations.SetTypingAsync(Caller, conversationId, isTyping, Context.ConnectionId, Context.ConnectionAborted);

    public Task MarkRead(Guid conversationId, long upToMessageId) =>
        conversations.MarkReadAsync(Caller, conversationId, upToMessageId, Context.ConnectionAborted);

    private void RequireStaff()
    {
        if (!Caller.IsStaff)
        {
            throw new HubException("Only operators and admins can do this.");
        }
    }
}
