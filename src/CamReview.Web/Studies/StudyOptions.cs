namespace CamReview.Web.Studies;

/// <summary>Limits of the anonymous participant API (<c>CamReview:Studies:*</c>). Each limit is a fixed window per
/// minute; 0 turns it off (e.g. for a load test on loopback).</summary>
public sealed class StudyOptions
{
    public const string Section = "CamReview:Studies";

    /// <summary>New participants a client address may start per minute (<c>JoinsPerMinute</c>).</summary>
    public int JoinsPerMinute { get; set; } = 30;

    /// <summary>Votes one participant may send per minute (<c>VotesPerMinute</c>); a person answering by hand sends a
    /// few. Requests without a participant key are limited per client address.</summary>
    public int VotesPerMinute { get; set; } = 120;

    /// <summary>Session and media requests a client address may send per minute (<c>ReadsPerMinute</c>).</summary>
    public int ReadsPerMinute { get; set; } = 1200;

    internal void Validate()
    {
        if (JoinsPerMinute < 0 || VotesPerMinute < 0 || ReadsPerMinute < 0)
            throw new InvalidOperationException("CamReview:Studies: JoinsPerMinute, VotesPerMinute and ReadsPerMinute must be 0 (no limit) or more.");
    }
}

/// <summary>Tells open results pages that a study changed (a vote, a participant, a new state), in this process.</summary>
public sealed class StudyEvents
{
    public event Action<int>? Changed;

    public void Raise(int studyId) => Changed?.Invoke(studyId);
}
