using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CamReview.Web.Components.Tests;

/// <summary>A bUnit context with MudBlazor's services, as the portal registers them. MudBlazor's services are
/// disposed asynchronously, so a test holds it with <c>await using</c>. <paramref name="interactive"/>: rendered as in
/// a circuit (the compare page) or as a page served once without one (the share page).</summary>
public static class ComponentContext
{
    public static BunitContext New(bool interactive)
    {
        var ctx = new BunitContext();
        ctx.Services.AddMudServices();
        // MudBlazor's components call their scripts; what those do is not what these tests look at.
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return ctx;
    }
}
