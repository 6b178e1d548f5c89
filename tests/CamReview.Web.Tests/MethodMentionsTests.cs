using CamReview.Web.Studies;

namespace CamReview.Web.Tests;

public sealed class MethodMentionsTests
{
    private static readonly string[] Methods = ["homography (black)", "parallax dolly-in 0.005×Z/f (inpaint)", "QuokkaFlow-37", "NarwhalCam-58", "ZebraWarp-91", "DeepHTTPNet", "v2"];

    private static IReadOnlyList<MethodMention> Find(string text, params string[] methods) =>
        MethodMentions.Find([("instructions", text)], methods.Length > 0 ? methods : Methods);

    [Theory]
    [InlineData("Hint: one is a homography warp.", "homography", "homography (black)")]
    [InlineData("HOMOGRAPHY is used somewhere.", "HOMOGRAPHY", "homography (black)")]
    [InlineData("One of them is quokkaflow-37.", "quokkaflow-37", "QuokkaFlow-37")]
    [InlineData("Look for Quokka Flow 37!", "Quokka Flow 37", "QuokkaFlow-37")]
    [InlineData("QUOKKAFLOW did well", "QUOKKAFLOW", "QuokkaFlow-37")]
    [InlineData("the quokkas are fine", "quokkas", "QuokkaFlow-37")]
    [InlineData("Narwhal_Cam_58 or not", "Narwhal_Cam_58", "NarwhalCam-58")]
    [InlineData("a cam58 clip", "cam58", "NarwhalCam-58")]
    [InlineData("warp-91 is new", "warp-91", "ZebraWarp-91")]
    [InlineData("like CamMimic's paper", "CamMimic's", "homography (black)")]
    [InlineData("the Para-Scale one", "Para-Scale", "parallax dolly-in 0.005×Z/f (inpaint)")]
    [InlineData("one has parallax", "parallax", "parallax dolly-in 0.005×Z/f (inpaint)")]
    [InlineData("Deep HTTP net", "Deep HTTP net", "DeepHTTPNet")]
    [InlineData("an http method", "http", "DeepHTTPNet")]
    public void NamesTheirPartsAndAliasesAreRefused(string text, string words, string method)
    {
        var found = Assert.Single(Find(text));
        Assert.Equal(("instructions", words, method), (found.Field, found.Words, found.Method));
    }

    [Theory]
    [InlineData("Watch the camera move closely.")] // "cam" is a part, "camera" another word
    [InlineData("The image may warp at the black borders.")] // common words and border labels alone
    [InlineData("A dolly-in: does the scene keep its depth?")] // camera-move words of the catalogue
    [InlineData("It takes 37 or 58 or 91 seconds.")] // digits alone
    [InlineData("Is the motion homographic?")] // whole words only
    [InlineData("Which video v3 looks best?")] // "v2" is too short to count
    [InlineData("The reference video is on top; compare the two outputs below with it.")]
    [InlineData("")]
    public void CommonWordsShortPartsAndOtherWordsAreAllowed(string text) => Assert.Empty(Find(text));

    [Fact]
    public void EveryFieldReportsItsOwnWordsOnce()
    {
        var found = MethodMentions.Find(MethodMentions.ParticipantTexts("Quokka or zebra? Quokka!", "Nothing here.", [("overall", "Which is the narwhal?")]), Methods);
        Assert.Equal([("instructions", "Quokka"), ("instructions", "zebra"), ("question \"overall\"", "narwhal")], found.Select(m => (m.Field, m.Words)));
        var message = MethodMentions.Describe(found);
        Assert.Contains("the instructions name \"Quokka\" (the method \"QuokkaFlow-37\", by \"quokka\"), \"zebra\" (the method \"ZebraWarp-91\", by \"zebra\")", message);
        Assert.Contains("the question \"overall\" names \"narwhal\"", message);
    }

    [Fact]
    public void TheBuildersDefaultTextsNameNoMethodOfCommonShape()
    {
        var d = StudyDraft.Default("");
        var texts = MethodMentions.ParticipantTexts(d.Instructions, d.ConsentText, d.Questions.Select(q => (q.Key, (string?)q.Text)));
        Assert.Empty(MethodMentions.Find(texts, [.. Methods, "AlphaOnly", "Shared-Time", "OurVideoModel", "BaseCamera"]));
    }

    [Fact]
    public void OnlyTheStudysMethodsCount() => Assert.Empty(Find("Hint: one is a homography warp.", "QuokkaFlow-37", "NarwhalCam-58"));
}
