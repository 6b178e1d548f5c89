using CamReview.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CamReview.Migrations;

/// <summary>The model as the latest migration leaves it. Update it with every migration: the test
/// <c>ModelHasNoPendingChanges</c> compares it with <see cref="CamReviewDb"/>'s model.</summary>
[DbContext(typeof(CamReviewDb))]
public sealed class CamReviewDbModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "9.0.20");

        modelBuilder.Entity("CamReview.Data.Entities.Asset", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("CreatedByUserId").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("DisplayName").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<double?>("DurationSeconds").HasColumnType("REAL");
            b.Property<double?>("Fps").HasColumnType("REAL");
            b.Property<int?>("FrameCount").HasColumnType("INTEGER");
            b.Property<int>("Height").HasColumnType("INTEGER");
            b.Property<string>("Kind").IsRequired().HasMaxLength(24).HasColumnType("TEXT");
            b.Property<string>("MediaType").IsRequired().HasMaxLength(64).HasColumnType("TEXT");
            b.Property<string>("MethodName").HasMaxLength(100).HasColumnType("TEXT");
            b.Property<int?>("PairId").HasColumnType("INTEGER");
            b.Property<int>("ProjectId").HasColumnType("INTEGER");
            b.Property<string>("Sha256").IsRequired().HasMaxLength(64).HasColumnType("TEXT");
            b.Property<long>("SizeBytes").HasColumnType("INTEGER");
            b.Property<int>("Width").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("CreatedByUserId");
            b.HasIndex("PairId");
            b.HasIndex("Sha256");
            b.HasIndex("ProjectId", "Kind", "Sha256").IsUnique();
            b.ToTable("Assets");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Comment", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("AssetId").HasColumnType("INTEGER");
            b.Property<int?>("AuthorUserId").HasColumnType("INTEGER");
            b.Property<string>("Body").IsRequired().HasMaxLength(2000).HasColumnType("TEXT");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<int>("PairId").HasColumnType("INTEGER");
            b.Property<double>("TimeSeconds").HasColumnType("REAL");
            b.HasKey("Id");
            b.HasIndex("AssetId");
            b.HasIndex("AuthorUserId");
            b.HasIndex("PairId", "TimeSeconds");
            b.ToTable("Comments");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Job", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("AssetId").HasColumnType("INTEGER");
            b.Property<int>("Attempts").HasColumnType("INTEGER");
            b.Property<bool>("CancelRequested").HasColumnType("INTEGER");
            b.Property<int?>("CreatedByUserId").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("Device").HasMaxLength(128).HasColumnType("TEXT");
            b.Property<string>("Error").HasMaxLength(2000).HasColumnType("TEXT");
            b.Property<double?>("EtaSeconds").HasColumnType("REAL");
            b.Property<DateTime?>("FinishedUtc").HasColumnType("TEXT");
            b.Property<DateTime?>("HeartbeatUtc").HasColumnType("TEXT");
            b.Property<string>("Kind").IsRequired().HasMaxLength(24).HasColumnType("TEXT");
            b.Property<DateTime?>("LeaseExpiresUtc").HasColumnType("TEXT");
            b.Property<string>("LeaseOwner").HasMaxLength(128).HasColumnType("TEXT");
            b.Property<int>("MaxAttempts").HasColumnType("INTEGER");
            b.Property<string>("MethodName").HasMaxLength(100).HasColumnType("TEXT");
            b.Property<int?>("PairId").HasColumnType("INTEGER");
            b.Property<string>("ParametersJson").IsRequired().HasColumnType("TEXT");
            b.Property<double>("ProgressPercent").HasColumnType("REAL");
            b.Property<string>("ProgressStage").HasMaxLength(32).HasColumnType("TEXT");
            b.Property<int>("ProjectId").HasColumnType("INTEGER");
            b.Property<DateTime?>("StartedUtc").HasColumnType("TEXT");
            b.Property<string>("State").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<string>("TimingsJson").HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("AssetId");
            b.HasIndex("CreatedByUserId");
            b.HasIndex("PairId");
            b.HasIndex("ProjectId", "Id");
            b.HasIndex("State", "Id");
            b.ToTable("Jobs");
        });

        modelBuilder.Entity("CamReview.Data.Entities.OutputScore", b =>
        {
            b.Property<int>("AssetId").HasColumnType("INTEGER");
            b.Property<double?>("CameraScore").HasColumnType("REAL");
            b.Property<string>("CameraScoreReason").HasMaxLength(2000).HasColumnType("TEXT");
            b.Property<string>("Device").HasMaxLength(128).HasColumnType("TEXT");
            b.Property<string>("MotionJson").HasColumnType("TEXT");
            b.Property<int>("ReferenceAssetId").HasColumnType("INTEGER");
            b.Property<string>("ResultJson").IsRequired().HasColumnType("TEXT");
            b.Property<DateTime>("ScoredUtc").HasColumnType("TEXT");
            b.HasKey("AssetId");
            b.ToTable("OutputScores");
        });

        modelBuilder.Entity("CamReview.Data.Entities.OutputReview", b =>
        {
            b.Property<int>("AssetId").HasColumnType("INTEGER");
            b.Property<int?>("ReviewerUserId").HasColumnType("INTEGER");
            b.Property<string>("Status").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<DateTime>("UpdatedUtc").HasColumnType("TEXT");
            b.HasKey("AssetId");
            b.HasIndex("ReviewerUserId");
            b.ToTable("OutputReviews");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Pair", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("CreatedByUserId").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<int?>("DepthAssetId").HasColumnType("INTEGER");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<int>("ProjectId").HasColumnType("INTEGER");
            b.Property<int>("ReferenceAssetId").HasColumnType("INTEGER");
            b.Property<int>("TargetAssetId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("CreatedByUserId");
            b.HasIndex("DepthAssetId");
            b.HasIndex("ReferenceAssetId");
            b.HasIndex("TargetAssetId");
            b.HasIndex("ProjectId", "Name").IsUnique();
            b.ToTable("Pairs");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Project", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("Description").HasMaxLength(2000).HasColumnType("TEXT");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<int>("TeamId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("TeamId", "Name").IsUnique();
            b.ToTable("Projects");
        });

        modelBuilder.Entity("CamReview.Data.Entities.ShareLink", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("CreatedByUserId").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<DateTime>("ExpiresUtc").HasColumnType("TEXT");
            b.Property<string>("Label").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<DateTime?>("LastOpenedUtc").HasColumnType("TEXT");
            b.Property<int>("OpenCount").HasColumnType("INTEGER");
            b.Property<int>("PairId").HasColumnType("INTEGER");
            b.Property<string>("PassphraseHash").HasColumnType("TEXT");
            b.Property<DateTime?>("RevokedUtc").HasColumnType("TEXT");
            b.Property<string>("TokenHash").IsRequired().HasMaxLength(64).HasColumnType("TEXT");
            b.Property<string>("TokenProtected").IsRequired().HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("CreatedByUserId");
            b.HasIndex("PairId");
            b.HasIndex("TokenHash").IsUnique();
            b.ToTable("ShareLinks");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Study", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<bool>("AllowBothBad").HasColumnType("INTEGER");
            b.Property<bool>("AllowTie").HasColumnType("INTEGER");
            b.Property<int>("AttentionChecks").HasColumnType("INTEGER");
            b.Property<int>("CandidatesPerTrial").HasColumnType("INTEGER");
            b.Property<DateTime?>("ClosedUtc").HasColumnType("TEXT");
            b.Property<string>("ConsentText").HasMaxLength(4000).HasColumnType("TEXT");
            b.Property<int?>("CreatedByUserId").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("Design").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<string>("Instructions").HasMaxLength(4000).HasColumnType("TEXT");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<DateTime?>("OpenedUtc").HasColumnType("TEXT");
            b.Property<int>("ProjectId").HasColumnType("INTEGER");
            b.Property<int>("Seed").HasColumnType("INTEGER");
            b.Property<string>("State").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<string>("Token").IsRequired().HasMaxLength(32).HasColumnType("TEXT");
            b.Property<int>("TrialsPerParticipant").HasColumnType("INTEGER");
            b.Property<bool>("WatchBeforeVoting").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("CreatedByUserId");
            b.HasIndex("Token").IsUnique();
            b.HasIndex("ProjectId", "Name").IsUnique();
            b.ToTable("Studies");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyMedia", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<int?>("AssetId").HasColumnType("INTEGER");
            b.Property<string>("Key").IsRequired().HasMaxLength(32).HasColumnType("TEXT");
            b.Property<string>("MethodName").HasMaxLength(100).HasColumnType("TEXT");
            b.Property<int?>("PairId").HasColumnType("INTEGER");
            b.Property<int>("StudyId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("AssetId");
            b.HasIndex("Key").IsUnique();
            b.HasIndex("PairId");
            b.HasIndex("StudyId");
            b.ToTable("StudyMedia");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyParticipant", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<string>("CompletionCode").HasMaxLength(16).HasColumnType("TEXT");
            b.Property<DateTime?>("CompletedUtc").HasColumnType("TEXT");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("KeyHash").IsRequired().HasMaxLength(64).HasColumnType("TEXT");
            b.Property<int>("Ordinal").HasColumnType("INTEGER");
            b.Property<string>("PublicId").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<int>("StudyId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("KeyHash").IsUnique();
            b.HasIndex("StudyId", "Ordinal").IsUnique();
            b.HasIndex("StudyId", "PublicId").IsUnique();
            b.ToTable("StudyParticipants");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyQuestion", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<string>("Key").IsRequired().HasMaxLength(32).HasColumnType("TEXT");
            b.Property<int>("Position").HasColumnType("INTEGER");
            b.Property<int>("StudyId").HasColumnType("INTEGER");
            b.Property<string>("Text").IsRequired().HasMaxLength(500).HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("StudyId", "Key").IsUnique();
            b.ToTable("StudyQuestions");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyTrial", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<string>("CandidateMediaIds").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<string>("Kind").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<int>("ParticipantId").HasColumnType("INTEGER");
            b.Property<int>("Position").HasColumnType("INTEGER");
            b.Property<int>("ReferenceMediaId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("ReferenceMediaId");
            b.HasIndex("ParticipantId", "Position").IsUnique();
            b.ToTable("StudyTrials");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyVote", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<string>("Answer").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.Property<int?>("ChosenPosition").HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<int>("ParticipantId").HasColumnType("INTEGER");
            b.Property<int>("QuestionId").HasColumnType("INTEGER");
            b.Property<double?>("ResponseMs").HasColumnType("REAL");
            b.Property<int>("TrialId").HasColumnType("INTEGER");
            b.HasKey("Id");
            b.HasIndex("QuestionId");
            b.HasIndex("TrialId");
            b.HasIndex("ParticipantId", "TrialId", "QuestionId").IsUnique();
            b.ToTable("StudyVotes");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Team", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("Name").IsUnique();
            b.ToTable("Teams");
        });

        modelBuilder.Entity("CamReview.Data.Entities.TeamMember", b =>
        {
            b.Property<int>("TeamId").HasColumnType("INTEGER");
            b.Property<int>("UserId").HasColumnType("INTEGER");
            b.Property<DateTime>("AddedUtc").HasColumnType("TEXT");
            b.Property<string>("Role").IsRequired().HasMaxLength(16).HasColumnType("TEXT");
            b.HasKey("TeamId", "UserId");
            b.HasIndex("UserId");
            b.ToTable("TeamMembers");
        });

        modelBuilder.Entity("CamReview.Data.Entities.User", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("DisplayName").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.Property<string>("Email").IsRequired().HasMaxLength(256).HasColumnType("TEXT");
            b.Property<bool>("IsAdministrator").HasColumnType("INTEGER");
            b.Property<DateTime?>("LastSignInUtc").HasColumnType("TEXT");
            b.Property<bool>("MustChangePassword").HasColumnType("INTEGER");
            b.Property<string>("PasswordHash").IsRequired().HasColumnType("TEXT");
            b.Property<string>("SecurityStamp").IsRequired().HasMaxLength(64).HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("Email").IsUnique();
            b.ToTable("Users");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Asset", b =>
        {
            b.HasOne("CamReview.Data.Entities.User", "CreatedBy").WithMany().HasForeignKey("CreatedByUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Pair", "Pair").WithMany("Outputs").HasForeignKey("PairId").OnDelete(DeleteBehavior.NoAction);
            b.HasOne("CamReview.Data.Entities.Project", "Project").WithMany("Assets").HasForeignKey("ProjectId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("CreatedBy");
            b.Navigation("Pair");
            b.Navigation("Project");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Comment", b =>
        {
            b.HasOne("CamReview.Data.Entities.Asset", "Asset").WithMany().HasForeignKey("AssetId").OnDelete(DeleteBehavior.Cascade);
            b.HasOne("CamReview.Data.Entities.User", "Author").WithMany().HasForeignKey("AuthorUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Pair", "Pair").WithMany().HasForeignKey("PairId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Asset");
            b.Navigation("Author");
            b.Navigation("Pair");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Job", b =>
        {
            b.HasOne("CamReview.Data.Entities.Asset", "Asset").WithMany().HasForeignKey("AssetId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.User", "CreatedBy").WithMany().HasForeignKey("CreatedByUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Pair", "Pair").WithMany().HasForeignKey("PairId").OnDelete(DeleteBehavior.Cascade);
            b.HasOne("CamReview.Data.Entities.Project", "Project").WithMany().HasForeignKey("ProjectId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Asset");
            b.Navigation("CreatedBy");
            b.Navigation("Pair");
            b.Navigation("Project");
        });

        modelBuilder.Entity("CamReview.Data.Entities.OutputScore", b =>
        {
            b.HasOne("CamReview.Data.Entities.Asset", "Asset").WithOne().HasForeignKey("CamReview.Data.Entities.OutputScore", "AssetId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Asset");
        });

        modelBuilder.Entity("CamReview.Data.Entities.OutputReview", b =>
        {
            b.HasOne("CamReview.Data.Entities.Asset", "Asset").WithOne().HasForeignKey("CamReview.Data.Entities.OutputReview", "AssetId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.User", "Reviewer").WithMany().HasForeignKey("ReviewerUserId").OnDelete(DeleteBehavior.SetNull);
            b.Navigation("Asset");
            b.Navigation("Reviewer");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Pair", b =>
        {
            b.HasOne("CamReview.Data.Entities.User", "CreatedBy").WithMany().HasForeignKey("CreatedByUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Asset", "DepthAsset").WithMany().HasForeignKey("DepthAssetId").OnDelete(DeleteBehavior.NoAction);
            b.HasOne("CamReview.Data.Entities.Project", "Project").WithMany("Pairs").HasForeignKey("ProjectId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.Asset", "ReferenceAsset").WithMany().HasForeignKey("ReferenceAssetId").OnDelete(DeleteBehavior.NoAction).IsRequired();
            b.HasOne("CamReview.Data.Entities.Asset", "TargetAsset").WithMany().HasForeignKey("TargetAssetId").OnDelete(DeleteBehavior.NoAction).IsRequired();
            b.Navigation("CreatedBy");
            b.Navigation("DepthAsset");
            b.Navigation("Project");
            b.Navigation("ReferenceAsset");
            b.Navigation("TargetAsset");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Project", b =>
        {
            b.HasOne("CamReview.Data.Entities.Team", "Team").WithMany("Projects").HasForeignKey("TeamId").OnDelete(DeleteBehavior.Restrict).IsRequired();
            b.Navigation("Team");
        });

        modelBuilder.Entity("CamReview.Data.Entities.ShareLink", b =>
        {
            b.HasOne("CamReview.Data.Entities.User", "CreatedBy").WithMany().HasForeignKey("CreatedByUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Pair", "Pair").WithMany().HasForeignKey("PairId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("CreatedBy");
            b.Navigation("Pair");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Study", b =>
        {
            b.HasOne("CamReview.Data.Entities.User", "CreatedBy").WithMany().HasForeignKey("CreatedByUserId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Project", "Project").WithMany().HasForeignKey("ProjectId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("CreatedBy");
            b.Navigation("Project");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyMedia", b =>
        {
            b.HasOne("CamReview.Data.Entities.Asset", "Asset").WithMany().HasForeignKey("AssetId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Pair", "Pair").WithMany().HasForeignKey("PairId").OnDelete(DeleteBehavior.SetNull);
            b.HasOne("CamReview.Data.Entities.Study", "Study").WithMany("Media").HasForeignKey("StudyId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Asset");
            b.Navigation("Pair");
            b.Navigation("Study");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyParticipant", b =>
        {
            b.HasOne("CamReview.Data.Entities.Study", "Study").WithMany("Participants").HasForeignKey("StudyId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Study");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyQuestion", b =>
        {
            b.HasOne("CamReview.Data.Entities.Study", "Study").WithMany("Questions").HasForeignKey("StudyId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Study");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyTrial", b =>
        {
            b.HasOne("CamReview.Data.Entities.StudyParticipant", "Participant").WithMany("Trials").HasForeignKey("ParticipantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.StudyMedia", "ReferenceMedia").WithMany().HasForeignKey("ReferenceMediaId").OnDelete(DeleteBehavior.NoAction).IsRequired();
            b.Navigation("Participant");
            b.Navigation("ReferenceMedia");
        });

        modelBuilder.Entity("CamReview.Data.Entities.StudyVote", b =>
        {
            b.HasOne("CamReview.Data.Entities.StudyParticipant", "Participant").WithMany().HasForeignKey("ParticipantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.StudyQuestion", "Question").WithMany().HasForeignKey("QuestionId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.StudyTrial", "Trial").WithMany().HasForeignKey("TrialId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Participant");
            b.Navigation("Question");
            b.Navigation("Trial");
        });

        modelBuilder.Entity("CamReview.Data.Entities.TeamMember", b =>
        {
            b.HasOne("CamReview.Data.Entities.Team", "Team").WithMany("Members").HasForeignKey("TeamId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("CamReview.Data.Entities.User", "User").WithMany("Memberships").HasForeignKey("UserId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.Navigation("Team");
            b.Navigation("User");
        });

        modelBuilder.Entity("CamReview.Data.Entities.Pair", b => b.Navigation("Outputs"));
        modelBuilder.Entity("CamReview.Data.Entities.Project", b =>
        {
            b.Navigation("Assets");
            b.Navigation("Pairs");
        });
        modelBuilder.Entity("CamReview.Data.Entities.Study", b =>
        {
            b.Navigation("Media");
            b.Navigation("Participants");
            b.Navigation("Questions");
        });
        modelBuilder.Entity("CamReview.Data.Entities.StudyParticipant", b => b.Navigation("Trials"));
        modelBuilder.Entity("CamReview.Data.Entities.Team", b =>
        {
            b.Navigation("Members");
            b.Navigation("Projects");
        });
        modelBuilder.Entity("CamReview.Data.Entities.User", b => b.Navigation("Memberships"));
    }
}
