using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.VisitorName).HasMaxLength(100);
        builder.Property(c => c.VisitorEmail).HasMaxLength(320);
        builder.Property(c => c.PageUrl).HasMaxLength(2048);
        builder.Property(c => c.UserAgent).HasMaxLength(512);
        builder.Property(c => c.LastMessagePreview).HasMaxLength(200);
        builder.Property(c => c.RatingComment).HasMaxLength(RatingRules.MaxCommentLength);
        builder.ToTable(t => t.HasCheckConstraint("ck_conversations_rating_score", "rating_score BETWEEN 1 AND 5"));
        builder.HasOne(c => c.Visitor).WithMany().HasForeignKey(c => c.VisitorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(c => c.AssignedUser).WithMany().HasForeignKey(c => c.AssignedUserId).OnDelete(DeleteBehavior.SetNull);
        // Every stored batch of messages updates its conversation (activity, preview, unread count). With none of those
        // columns in an index and room left on each page, that update is HOT: a new row version on the same page and no
        // index entries, instead of one in every index. (The inbox sorts by COALESCE(last_message_at, created_at),
        // which an index on (status, last_message_at) never served.)
        builder.HasIndex(c => c.Status);
        builder.HasStorageParameter("fillfactor", 70);
        builder.HasIndex(c => c.VisitorId);
        builder.HasIndex(c => c.AssignedUserId);
        // Reports: conversations started, closed and rated in a period.
        builder.HasIndex(c => c.CreatedAt);
        builder.HasIndex(c => c.ClosedAt).HasFilter("closed_at IS NOT NULL");
        builder.HasIndex(c => c.RatedAt).HasFilter("rated_at IS NOT NULL");
        // The name and e-mail, plus the e-mail split at '@' (so "shop-example.com" finds it) and at '@' and '.' (so
        // "vera", "shop-exam" or "example" do): the parser keeps an e-mail address or a host name as one word.
        builder.Property(c => c.SearchVector).HasComputedColumnSql(
            $"to_tsvector('{Services.ConversationSearch.Config}', coalesce(visitor_name, '') || ' ' || coalesce(visitor_email, '') || ' ' "
            + "|| replace(coalesce(visitor_email, ''), '@', ' ') || ' ' || translate(coalesce(visitor_email, ''), '@.', '  '))",
            stored: true);
        builder.HasIndex(c => c.SearchVector).HasMethod("GIN");
    }
}
