using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.Property(m => m.Id).UseIdentityAlwaysColumn();
        builder.Property(m => m.SenderKind).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Body).HasMaxLength(Services.MessageRules.MaxBodyLength);
        // The message writer's INSERT leaves it out: the column default makes those messages public.
        builder.Property(m => m.IsPrivate).HasDefaultValue(false);
        builder.Property(m => m.ClientMessageId).HasMaxLength(Services.MessageRules.MaxClientMessageIdLength);
        builder.HasOne(m => m.Conversation).WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.SenderUser).WithMany().HasForeignKey(m => m.SenderUserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(m => m.Attachment).WithMany().HasForeignKey(m => m.AttachmentId).OnDelete(DeleteBehavior.SetNull);
        // A resent message (same client id in the same conversation) is stored once.
        builder.HasIndex(m => new { m.ConversationId, m.ClientMessageId }).IsUnique();
        builder.HasIndex(m => new { m.ConversationId, m.Id });
        // The foreign keys' indexes hold only the rows that have a value: a visitor's message or one without a file adds
        // no entry, and deleting a user or an attachment still finds its messages through them.
        builder.HasIndex(m => m.SenderUserId).HasFilter("sender_user_id IS NOT NULL");
        builder.HasIndex(m => m.AttachmentId).HasFilter("attachment_id IS NOT NULL");
        // Reports: messages in a period. BRIN (rows arrive in time order) costs the hot insert path next to nothing.
        builder.HasIndex(m => m.CreatedAt).HasMethod("brin");
        // Full-text search over message text (ConversationSearch): an expression index, so the hot insert path
        // stores no extra column.
        builder.HasIndex(m => m.Body, "ix_messages_body_search").HasMethod("GIN").IsTsVectorExpressionIndex(Services.ConversationSearch.Config);
    }
}
