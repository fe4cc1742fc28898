using System.Collections.Immutable;
using CsCheck;
using Lodestar.Customers;
using Lodestar.Profiles;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Profiles;

public sealed class ProfileMergePropertyTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    private static readonly Gen<DateTimeOffset?> GenInstant =
        Gen.Int[-100_000, 100_000].Select(m => T0.AddMinutes(m)).Nullable();

    private static readonly Gen<long> GenCount = Gen.Long[0, 1_000_000];

    private static readonly Gen<Counters> GenCounters =
        Gen.Select(
            Gen.Select(GenCount, GenCount, GenCount, GenCount, GenCount, GenCount, GenCount, GenCount),
            Gen.Select(GenCount, GenCount, GenCount, GenCount, GenCount),
            Gen.Select(GenInstant, GenInstant, GenInstant),
            (a, b, t) => new Counters
            {
                Events = a.Item1, PageViews = a.Item2, Sessions = a.Item3, DwellSeconds = a.Item4,
                Searches = a.Item5, CartAdds = a.Item6, Orders = a.Item7, Cancellations = a.Item8,
                DiscountedOrders = b.Item1, SpendMinor = b.Item2, RefundMinor = b.Item3, ServiceContacts = b.Item4, Complaints = b.Item5,
                FirstOrderAt = t.Item1, LastOrderAt = t.Item2, LastCartAt = t.Item3,
            });

    private static readonly Gen<ImmutableSortedDictionary<string, long>> GenCategories =
        Gen.Dictionary(Gen.OneOf("tea", "teaware", "snacks", "gifts"), Gen.Long[1, 50])[0, 4]
            .Select(d => d.ToImmutableSortedDictionary(StringComparer.Ordinal));

    private static Gen<Profile> GenProfile(string seed) =>
        Gen.Select(GenCounters, GenCategories, Gen.Int[-50_000, 0], Gen.Int[0, 50_000], (counters, categories, first, span) => new Profile
        {
            Id = CustomerId.DerivedFrom(seed),
            FirstSeen = T0.AddMinutes(first),
            LastSeen = T0.AddMinutes(first + span),
            Counters = counters,
            Categories = categories,
        });

    [Fact]
    public void Merge_EitherWayRound_GivesTheSameCounters() =>
        Gen.Select(GenProfile("member:A"), GenProfile("member:B")).Sample((a, b) =>
        {
            var ab = ProfileFold.Merge(a, b);
            var ba = ProfileFold.Merge(b, a);

            Assert.Equal(ab.Counters, ba.Counters);
            Assert.Equal(ab.Categories, ba.Categories);
            Assert.Equal((ab.FirstSeen, ab.LastSeen), (ba.FirstSeen, ba.LastSeen));
        });

    [Fact]
    public void Merge_Counters_AreTheFieldwiseSumMinAndMax() =>
        Gen.Select(GenProfile("member:A"), GenProfile("member:B")).Sample((a, b) =>
        {
            var m = ProfileFold.Merge(a, b).Counters;
            var (x, y) = (a.Counters, b.Counters);

            Assert.Equal(x.Events + y.Events, m.Events);
            Assert.Equal(x.Sessions + y.Sessions, m.Sessions);
            Assert.Equal(x.SpendMinor + y.SpendMinor, m.SpendMinor);
            Assert.Equal(x.RefundMinor + y.RefundMinor, m.RefundMinor);
            Assert.Equal(x.Complaints + y.Complaints, m.Complaints);
            Assert.Equal(new[] { x.FirstOrderAt, y.FirstOrderAt }.Where(t => t is not null).Min(), m.FirstOrderAt);
            Assert.Equal(new[] { x.LastOrderAt, y.LastOrderAt }.Where(t => t is not null).Max(), m.LastOrderAt);
            Assert.Equal(new[] { x.LastCartAt, y.LastCartAt }.Where(t => t is not null).Max(), m.LastCartAt);
        });

    [Fact]
    public void Merge_ThreeProfiles_IsAssociativeOnCounters() =>
        Gen.Select(GenProfile("member:A"), GenProfile("member:B"), GenProfile("member:C")).Sample((a, b, c) =>
            Assert.Equal(
                ProfileFold.Merge(ProfileFold.Merge(a, b), c).Counters,
                ProfileFold.Merge(a, ProfileFold.Merge(b, c)).Counters));
}
