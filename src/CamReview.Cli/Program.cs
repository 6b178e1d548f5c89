using CamReview.Cli;

return await CliApp.RunAsync(args);
