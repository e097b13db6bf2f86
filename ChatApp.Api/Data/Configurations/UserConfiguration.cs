using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        // Case-insensitive uniqueness: the app stores e-mails trimmed and lower-cased (UserService.NormalizeEmail).
        builder.Property(u => u.Email).HasMaxLength(320);
        builder.HasIndex(u => u.Email).IsUnique();
        builder.Property(u => u.DisplayName).HasMaxLength(100);
        builder.Property(u => u.PasswordHash).HasMaxLength(100);
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(u => u.Presence).HasConversion<string>().HasMaxLength(20).HasDefaultValue(PresenceStatus.Online).HasSentinel(PresenceStatus.Online);
        builder.Property(u => u.NotificationsEnabled).HasDefaultValue(true).HasSentinel(true);
        builder.Property(u => u.SecurityStamp).HasDefaultValueSql("gen_random_uuid()");
    }
}
