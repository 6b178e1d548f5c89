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

    /// <summary>The longest side of the one picture size a study's videos are encoded to for participants
    /// (<c>MediaMaxSide</c>): the box that holds every video of the study, made smaller to fit when it is longer.</summary>
    public int MediaMaxSide { get; set; } = 1280;

    /// <summary>The constant bitrate of participants' videos in bits per pixel and frame (<c>MediaBitsPerPixel</c>):
    /// 0.1 gives 2.8 Mb/s at 1280x720 and 30 fps, where x264 shows no visible loss on rendered clips.</summary>
    public double MediaBitsPerPixel { get; set; } = 0.1;

    internal void Validate()
    {
        if (JoinsPerMinute < 0 || VotesPerMinute < 0 || ReadsPerMinute < 0)
            throw new InvalidOperationException("CamReview:Studies: JoinsPerMinute, VotesPerMinute and ReadsPerMinute must be 0 (no limit) or more.");
        if (MediaMaxSide is < 64 or > 4096) throw new InvalidOperationException("CamReview:Studies:MediaMaxSide must be 64 to 4096 pixels.");
        if (!double.IsFinite(MediaBitsPerPixel) || MediaBitsPerPixel is < 0.01 or > 2)
            throw new InvalidOperationException("CamReview:Studies:MediaBitsPerPixel must be 0.01 to 2.");
    }
}

/// <summary>Tells open results pages that a study changed (a vote, a participant, a new state), in this process.
/// Votes may come thousands a second: <see cref="Changed"/> is raised at most once per <see cref="Interval"/> for a
/// study, right away after a quiet spell, and always once more after the last change, so that a page that reloads on it
/// ends up showing everything.</summary>
public sealed class StudyEvents(TimeProvider? clock = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Gate> _gates = new();

    public event Action<int>? Changed;

    public void Raise(int studyId) => _gates.GetOrAdd(studyId, id => new Gate(this, id)).Signal();

    private void Notify(int studyId)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<int>)handler)(studyId);
            }
            catch (Exception)
            {
                // A page that failed to take the news is its own business; the others still get it.
            }
        }
    }

    /// <summary>One study's changes: idle, waiting out the interval after a notification, or that with a change
    /// pending (to be told when the interval ends).</summary>
    private sealed class Gate
    {
        private const int Idle = 0, Waiting = 1, Pending = 2;
        private readonly StudyEvents _owner;
        private readonly int _studyId;
        private readonly ITimer _timer;
        private int _state;

        public Gate(StudyEvents owner, int studyId)
        {
            _owner = owner;
            _studyId = studyId;
            _timer = owner._clock.CreateTimer(_ => Elapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public void Signal()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == Pending) return;
                if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
                if (state == Idle) Fire();
                return;
            }
        }

        private void Elapsed()
        {
            // Pending: tell now and wait again; Waiting (nothing new): back to idle.
            if (Interlocked.CompareExchange(ref _state, Waiting, Pending) == Pending) Fire();
            else Interlocked.CompareExchange(ref _state, Idle, Waiting);
        }

        private void Fire()
        {
            _timer.Change(Interval, Timeout.InfiniteTimeSpan);
            // Off the caller's thread: votes are acknowledged by the writer that raises this.
            ThreadPool.QueueUserWorkItem(static gate => gate._owner.Notify(gate._studyId), this, preferLocal: false);
        }
    }
}
