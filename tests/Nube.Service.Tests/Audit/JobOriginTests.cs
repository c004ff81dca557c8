using Nube.Service.Jobs;

namespace Nube.Service.Tests.Audit;

public sealed class JobOriginTests
{
    [Fact]
    public async Task A_job_made_in_a_request_names_its_caller_and_work_the_request_left_behind_names_nubed()
    {
        var request = new JobOrigin(() => "alice");
        var first = Guid.NewGuid();
        Task<string> leftBehind;
        var release = new TaskCompletionSource();
        using (JobOrigin.Enter(request))
        {
            Assert.Equal("alice", JobOrigin.Claim(first));
            Assert.Equal("alice", JobOrigin.Claim(Guid.NewGuid()));
            leftBehind = Task.Run(async () =>
            {
                await release.Task;
                return JobOrigin.Claim(Guid.NewGuid());
            });
            using (JobOrigin.Enter(JobOrigin.Host))
                Assert.Equal(JobOrigin.HostName, JobOrigin.Claim(Guid.NewGuid()));
            Assert.Equal("alice", JobOrigin.Claim(Guid.NewGuid()));
        }
        release.SetResult();
        Assert.Equal(first, request.FirstJob);
        Assert.Equal(JobOrigin.HostName, await leftBehind.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(JobOrigin.HostName, JobOrigin.Claim(Guid.NewGuid()));
    }
}
