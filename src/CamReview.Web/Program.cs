using CamReview.Web;

await Portal.Build(args).RunAsync();
