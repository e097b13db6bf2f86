using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class StaffConnectionConfiguration : IEntityTypeConfiguration<StaffConnection>
{
    public void Configure(EntityTypeBuilder<StaffConnection> builder)
    {
        builder.ToTable("staff_connections");
        builder.HasKey(c => c.ConnectionId);
        builder.Property(c => c.ConnectionId).HasMaxLength(100);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.UserId);
        builder.HasIndex(c => c.InstanceId);
    }
}
