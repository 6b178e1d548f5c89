namespace CamReview.Web.Services;

/// <summary>Why an operation did not succeed; the API turns it into the HTTP status, the pages into a message.</summary>
public enum ResultStatus
{
    Ok = 0,
    /// <summary>The input is wrong (400).</summary>
    Invalid,
    /// <summary>Not signed in (401).</summary>
    Unauthenticated,
    /// <summary>No such thing, or it belongs to a team the user is not in (404: existence is not revealed).</summary>
    NotFound,
    /// <summary>The user's role does not allow it (403).</summary>
    Forbidden,
    /// <summary>It clashes with what is stored: a duplicate, or dependents not confirmed (409).</summary>
    Conflict,
    /// <summary>The upload is larger than allowed (413).</summary>
    TooLarge,
    /// <summary>The file is not a kind of media that is accepted here (415).</summary>
    UnsupportedMediaType,
    /// <summary>The file is of an accepted type but does not decode, or breaks a limit (422).</summary>
    Unprocessable,
    /// <summary>A tool the portal needs for this is missing or failed on this machine (503).</summary>
    Unavailable,
}

/// <summary>An outcome for the user: a value, or a message saying what was wrong (and, for some failures, a value
/// that explains it, e.g. the asset an upload duplicates).</summary>
public readonly record struct Result<T>(T? Value, string? Error, ResultStatus Status = ResultStatus.Ok)
{
    public bool Succeeded => Error is null;
    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(string error, ResultStatus status = ResultStatus.Invalid, T? value = default) => new(value, error, status);
    public static Result<T> NotFound() => new(default, "Not found.", ResultStatus.NotFound);

    /// <summary>The same failure for another value type.</summary>
    public Result<TOther> Cast<TOther>() =>
        Succeeded ? throw new InvalidOperationException("Only a failure can be cast") : new(default, Error, Status);
}
