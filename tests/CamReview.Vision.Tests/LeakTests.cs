using System.Runtime.CompilerServices;

namespace CamReview.Vision.Tests;

// The live-object counter is process-wide, so these run alone (after the parallel tests).
[CollectionDefinition(nameof(NativeCounterCollection), DisableParallelization = true)]
public class NativeCounterCollection;

[Collection(nameof(NativeCounterCollection))]
public class LeakTests
{
    private static long SettledCount()
    {
        // Let finalizers of objects other tests dropped run first.
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return VisionNative.LiveObjectCount;
    }

    [Fact]
    public void Create_dispose_cycles_leave_nothing_alive()
    {
        byte[] bgr = Procedural.TexturedBgr(160, 120, 11);
        var orb = new FeatureExtractor(FeatureKind.Orb, 200);
        long start = SettledCount();

        for (int i = 0; i < 2000; i++)
        {
            using Image img = Image.FromBgr(bgr, 160, 120);
            using Image gray = img.ToGray();
            using Features f = orb.Detect(gray);
            if (i == 0)
            {
                Assert.Equal(start + 3, VisionNative.LiveObjectCount); // the counter really counts
                Assert.True(f.Count > 0);
            }
        }
        Assert.Equal(start, VisionNative.LiveObjectCount);
    }

    [Fact]
    public void Failing_native_calls_leak_nothing()
    {
        using Image img = Image.Filled(8, 8, 3, 0);
        long start = SettledCount();
        for (int i = 0; i < 500; i++)
            Assert.Throws<VisionException>(() => img.Resize(0, 0));
        Assert.Equal(start, VisionNative.LiveObjectCount);
    }

    [Fact]
    public void Video_readers_are_released()
    {
        using var dir = new TempDir();
        string clip = dir.File("c.mp4");
        Tools.MakeClip(clip, 3, 64, 48);
        long start = SettledCount();
        for (int i = 0; i < 30; i++)
        {
            using VideoReader reader = VideoReader.Open(clip);
            foreach (Image frame in reader.ReadAll()) frame.Dispose();
        }
        Assert.Equal(start, VisionNative.LiveObjectCount);
    }

    [Fact]
    public void Finalizers_release_undisposed_objects()
    {
        long start = SettledCount();
        CreateAndDrop(100);
        Assert.Equal(start, SettledCount());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CreateAndDrop(int n)
    {
        long before = VisionNative.LiveObjectCount;
        var orb = new FeatureExtractor();
        for (int i = 0; i < n; i++)
        {
            Image img = Image.Filled(32, 32, 1, (byte)i);
            _ = orb.Detect(img); // never disposed either
        }
        Assert.Equal(before + 2 * n, VisionNative.LiveObjectCount);
    }
}
