using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("CamReview.Inference.Tests")]
