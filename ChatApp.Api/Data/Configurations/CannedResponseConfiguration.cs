using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class CannedResponseConfiguration : IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<CannedResponse> builder)
    {
        builder.ToTable("canned_responses");
        builder.Property(c => c.Shortcut).HasMaxLength(CannedResponseService.MaxShortcutLength);
        builder.HasIndex(c => c.Shortcut).IsUnique();
        builder.Property(c => c.Title).HasMaxLength(CannedResponseService.MaxTitleLength);
        builder.Property(c => c.Body).HasMaxLength(MessageRules.MaxBodyLength);
    }
}
