using System.Text.Json;
using Lodestar.Journeys;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Journeys;

/// <summary>Entry rules as drivers use them: an API entry's explicit business key, and the simulator's record of every decision.</summary>
public sealed class JourneyAdmissionTests
{
    private static readonly JourneyDefinition ByKey = Minimal("""[{ "id": "a", "type": "exit", "reason": "done" }]""",
        extra: """ "businessKey": "properties.requestId", "reEntry": { "type": "distinctKey" }, """);

    [Fact]
    public void Admit_ExplicitBusinessKey_NamesTheInstanceAndAdmitsEachKeyOnce()
    {
        var alice = Customer();
        var first = Assert.IsType<Admitted>(JourneyAdmission.Admit(ByKey, alice.Id, null, Times.Noon, [], businessKey: "req-1"));
        Assert.Equal(JourneyIds.Instance(ByKey.Id, alice.Id, "req-1"), first.State.InstanceId);
        Assert.Equal("req-1", first.State.BusinessKey);

        InstanceSummary[] previous = [new(first.State.InstanceId, "req-1", Times.Noon, Finished: true)];
        var again = Assert.IsType<Refused>(JourneyAdmission.Admit(ByKey, alice.Id, null, Times.Noon.AddHours(1), previous, businessKey: "req-1"));
        Assert.Equal(JourneyAdmission.AlreadyStarted, again.Reason);
        Assert.IsType<Admitted>(JourneyAdmission.Admit(ByKey, alice.Id, null, Times.Noon.AddHours(1), previous, businessKey: "req-2"));
        Assert.IsType<Refused>(JourneyAdmission.Admit(ByKey, alice.Id, null, Times.Noon.AddHours(1), previous));
    }

    [Fact]
    public void Simulate_WithARecorder_RecordsEveryDecisionAndReplayingThemGivesTheSameStates()
    {
        var definition = Samples.Load("abandoned-cart");
        var start = Times.Noon.AddDays(-1);
        var recorded = new List<(JourneyState State, JourneyInput Input, DateTimeOffset Now, PolicyContext Context)>();
        var report = JourneySimulator.Run(definition, Population.Build(200, start, 7), new SimulationOptions
        {
            Start = start,
            End = start.AddDays(7),
            Recorder = (state, input, now, context) => recorded.Add((state, input, now, context)),
        });

        Assert.Equal(report.Decisions, recorded.Count);
        Assert.True(report.Entered > 0);
        // The state a decision starts from is the state the previous decision of that instance left: replaying reproduces it.
        var byInstance = recorded.GroupBy(r => r.State.InstanceId);
        foreach (var instance in byInstance)
        {
            var calls = instance.ToList();
            for (var i = 0; i + 1 < calls.Count; i++)
            {
                var replayed = JourneyEngine.Decide(definition, calls[i].State, calls[i].Input, calls[i].Now, calls[i].Context).State;
                Assert.Equal(JsonSerializer.Serialize(calls[i + 1].State with { Steps = 0 }, DomainJson.Options),
                    JsonSerializer.Serialize(replayed with { Steps = 0 }, DomainJson.Options));
            }
        }
    }
}
