using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Events;
using Lodestar.Sources;

namespace Lodestar.Simulation;

/// <summary>What to generate. <see cref="End"/> is required so that a seed always yields the same shop.</summary>
public sealed record SyntheticShopOptions
{
    public int Customers { get; init; } = 5_000;

    public int Seed { get; init; } = 1;

    /// <summary>The last instant of the shop's history; every clean record is at or before it.</summary>
    public required DateTimeOffset End { get; init; }

    public int Months { get; init; } = 6;

    /// <summary>Share of records given an injected defect (content duplicates are extra records).</summary>
    public double DirtyShare { get; init; } = 0.06;
}

/// <summary>
/// A seeded, realistic shop: customers with several identities (member id, mainland mobile, email, mini-program
/// openid/unionid, device ids) and six months of web, app, mini-program, store and service behaviour, with a share of
/// dirty records, each labelled with the reason codes the cleaning and ingest rules should report. The labels come
/// from the generator's own knowledge of what it injected, never from the rules under test.
/// </summary>
public sealed class SyntheticShop
{
    /// <summary>The shop's local zone: bodies carry +08:00 times, and local times without offset mean China time.</summary>
    public static readonly TimeSpan ShopOffset = SourceContext.ChinaStandardTime;

    private SyntheticShop(SyntheticShopOptions options, ImmutableArray<SyntheticRecord> records, ImmutableArray<string> phones)
    {
        Options = options;
        Records = records;
        Phones = phones;
    }

    public SyntheticShopOptions Options { get; }

    /// <summary>The requests in the order a client sends them (resends after their originals).</summary>
    public ImmutableArray<SyntheticRecord> Records { get; }

    /// <summary>
    /// The customers' real (valid) mobile numbers that appear in some body, as 11 national digits: every other written
    /// form (E.164, spaced, 0086) contains them or their groups, so a privacy check can search for these.
    /// </summary>
    public ImmutableArray<string> Phones { get; }

    public DateTimeOffset End => Options.End;

    /// <summary>How the HTTP host would receive the shop at its end: received at <see cref="End"/>, tenant zone +08:00.</summary>
    public SourceContext Context => new(End, ShopOffset);

    /// <summary>Records whose truth holds any code other than the region coding every region name needs.</summary>
    public int DirtyRecords => Records.Count(r => r.Truth.Any(c => c != Reasons.RegionCoded));

    public ImmutableSortedDictionary<string, int> TruthCounts => Records.SelectMany(r => r.Truth)
        .GroupBy(c => c, StringComparer.Ordinal).ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static SyntheticShop Generate(SyntheticShopOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Customers);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Months, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.DirtyShare, 0.5);
        var generator = new Generator(options);
        var (records, phones) = generator.Run();
        return new SyntheticShop(options, records, phones);
    }

    /// <summary>The quarantine codes (as opposed to repairs): a clean record has none of them.</summary>
    public static readonly ImmutableHashSet<string> QuarantineCodes = ImmutableHashSet.Create(StringComparer.Ordinal,
        Reasons.DuplicateContent, Reasons.NearDuplicate, Reasons.EmptyRecord, Reasons.TestRecord, Reasons.FakePhone,
        Reasons.MissingIdentity, Reasons.ImpossibleAmount, Reasons.ImpossibleQuantity, Reasons.ZeroPrice,
        Reasons.FutureTimestamp, Reasons.BeforeBusinessStart);

    private enum Kind { Page, Screen, Track, Identify, Alias, Mini, PosSale, PosReturn, Service }

    private enum TimeStyle { Offset, Local, UnixMs }

    private enum Defect
    {
        FakePhone, TestRecord, FutureTimestamp, BeforeBusinessStart, ImpossibleQuantity, ZeroPrice, ImpossibleAmount,
        DuplicateContent, NearDuplicate, MissingIdentity, EmptyRecord, PhoneNormalised, TimestampToUtc,
    }

    /// <summary>A request before serialisation: the body without its timestamp, which is written in <see cref="Style"/>.</summary>
    private sealed class Draft
    {
        public required string Route { get; init; }
        public required Kind Kind { get; init; }
        public required JsonBody Body { get; set; }
        public required DateTimeOffset At { get; set; }
        public TimeStyle Style { get; set; } = TimeStyle.Offset;
        public long SendTicks { get; set; }
        public int Seq { get; set; }
        public SortedSet<string> Truth { get; set; } = new(StringComparer.Ordinal);
        public bool Defected { get; set; }
        /// <summary>The customer's own number (national), for defects that write a phone where there was none.</summary>
        public string? CustomerPhone { get; init; }
    }

    private sealed class Customer
    {
        public required string MemberId { get; init; }
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string? OpenId { get; init; }
        public string? UnionId { get; init; }
        public required List<string> WebDevices { get; init; }
        public required List<string> AppDevices { get; init; }
        public required string Gender { get; init; }
        public required string Birthday { get; init; }
        public required Region Region { get; init; }
        public string? HanziName { get; init; }
        public required DateTimeOffset FirstSeen { get; init; }
        public int Sessions { get; init; }
        public int PosOrders { get; init; }
        public int ServiceContacts { get; init; }
        public required string HomeStore { get; init; }
        public HashSet<string> IdentifiedDevices { get; } = new(StringComparer.Ordinal);
        public bool Identified { get; set; }
        public List<string> ConsentChannels { get; } = [];
    }

    private sealed class Generator(SyntheticShopOptions o)
    {
        private static readonly (Defect Defect, double Weight)[] DefectWeights =
        [
            (Defect.FakePhone, 9), (Defect.TestRecord, 8), (Defect.FutureTimestamp, 6), (Defect.BeforeBusinessStart, 5),
            (Defect.ImpossibleQuantity, 7), (Defect.ZeroPrice, 6), (Defect.ImpossibleAmount, 7), (Defect.DuplicateContent, 12),
            (Defect.NearDuplicate, 10), (Defect.MissingIdentity, 7), (Defect.EmptyRecord, 4), (Defect.PhoneNormalised, 10),
            (Defect.TimestampToUtc, 9),
        ];

        private readonly Random _rng = new(o.Seed);
        private readonly DateTimeOffset _start = o.End.AddMonths(-o.Months);
        private readonly List<Draft> _drafts = new(o.Customers * 30);
        private readonly HashSet<string> _allocatedPhones = new(StringComparer.Ordinal);
        private readonly HashSet<string> _allocatedMembers = new(StringComparer.Ordinal);
        private readonly List<string> _usedPhones = [];
        private readonly HashSet<string> _usedPhoneSet = new(StringComparer.Ordinal);
        private readonly string[] _stores = BuildStores();
        private int _seq;
        private int _orders;
        private int _contacts;
        private int _tests;
        private Customer? _current;

        public (ImmutableArray<SyntheticRecord>, ImmutableArray<string>) Run()
        {
            var customers = new List<Customer>(o.Customers);
            for (var i = 0; i < o.Customers; i++)
            {
                customers.Add(NewCustomer());
            }
            foreach (var c in customers)
            {
                Behave(c);
            }
            var drafts = _drafts.OrderBy(d => d.SendTicks).ThenBy(d => d.Seq).ToList();
            drafts.AddRange(InjectDefects(drafts));
            // Serialising is independent per record (its own body, a per-thread writer), so it may run in parallel; the order is kept.
            var records = drafts.OrderBy(d => d.SendTicks).ThenBy(d => d.Seq).ToList().AsParallel().AsOrdered().Select(Serialise).ToImmutableArray();
            return (records, [.. _usedPhones]);
        }

        // ---------------------------------------------------------------- customers

        private Customer NewCustomer()
        {
            var activity = _rng.NextDouble();
            var sessions = activity < 0.10 ? _rng.Next(12, 26) : activity < 0.45 ? _rng.Next(4, 11) : _rng.Next(1, 4);
            var hasOpenId = _rng.NextDouble() < 0.6;
            var region = Weighted(ShopData.Regions, r => r.Weight);
            var span = (o.End - _start).Ticks;
            var firstSeen = _start + TimeSpan.FromTicks((long)(_rng.NextDouble() * 0.85 * span));
            var age = _rng.Next(18, 61);
            var birthday = new DateOnly(o.End.Year - age, _rng.Next(1, 13), _rng.Next(1, 29));
            return new Customer
            {
                MemberId = NewMemberId(),
                Phone = _rng.NextDouble() < 0.93 ? NewPhone() : null,
                Email = _rng.NextDouble() < 0.55 ? NewEmail() : null,
                OpenId = hasOpenId ? WeChatId() : null,
                UnionId = hasOpenId && _rng.NextDouble() < 0.8 ? WeChatId() : null,
                WebDevices = [.. Enumerable.Range(0, _rng.Next(0, 3)).Select(_ => NewGuid())],
                AppDevices = [.. Enumerable.Range(0, _rng.NextDouble() < 0.55 ? _rng.Next(1, 3) : 0).Select(_ => NewGuid())],
                Gender = _rng.NextDouble() < 0.58 ? "female" : "male",
                Birthday = birthday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Region = region,
                HanziName = _rng.NextDouble() < 0.3 ? Pick(ShopData.HanziSurnames) + Pick(ShopData.HanziGiven) : null,
                FirstSeen = firstSeen,
                Sessions = sessions,
                PosOrders = _rng.NextDouble() < 0.4 ? _rng.Next(1, 7) : 0,
                ServiceContacts = _rng.NextDouble() < 0.12 ? _rng.Next(1, 4) : 0,
                HomeStore = Pick(_stores),
            };
        }

        private string NewMemberId()
        {
            string id;
            do
            {
                id = "M" + _rng.Next(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture);
            }
            while (!_allocatedMembers.Add(id));
            return id;
        }

        /// <summary>A plausible mobile: a real prefix and eight digits with no long run and no dominant digit.</summary>
        private string NewPhone()
        {
            while (true)
            {
                var subscriber = _rng.Next(0, 100_000_000).ToString("00000000", CultureInfo.InvariantCulture);
                var phone = Pick(ShopData.MobilePrefixes) + subscriber;
                if (subscriber.GroupBy(c => c).Max(g => g.Count()) < 5 && LongestRun(subscriber) < 5
                    && !ShopData.PlaceholderPhones.Contains(phone) && _allocatedPhones.Add(phone))
                {
                    return phone;
                }
            }
        }

        private static int LongestRun(string digits)
        {
            int best = 1, up = 1, down = 1;
            for (var i = 1; i < digits.Length; i++)
            {
                var d = digits[i] - digits[i - 1];
                up = d == 1 ? up + 1 : 1;
                down = d == -1 ? down + 1 : 1;
                best = Math.Max(best, Math.Max(up, down));
            }
            return best;
        }

        private string NewEmail()
        {
            var surname = Pick(ShopData.PinyinSurnames);
            var given = Pick(ShopData.PinyinGiven);
            var domain = Pick(ShopData.EmailDomains);
            var local = _rng.Next(4) switch
            {
                0 when domain == "qq.com" => _rng.Next(100_000, 2_000_000_000).ToString(CultureInfo.InvariantCulture),
                0 or 1 => $"{given}.{surname}{_rng.Next(1, 100)}",
                2 => $"{surname}{given}{_rng.Next(1970, 2006)}",
                _ => $"{given[0]}{surname}_{_rng.Next(100, 1000)}",
            };
            return $"{local}@{domain}";
        }

        private string WeChatId()
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
            Span<char> id = stackalloc char[28];
            id[0] = 'o';
            for (var i = 1; i < id.Length; i++)
            {
                id[i] = alphabet[_rng.Next(alphabet.Length)];
            }
            return id.ToString();
        }

        private string NewGuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            _rng.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0f) | 0x40);
            return new Guid(bytes).ToString();
        }

        private static string[] BuildStores() =>
            ["SH001", "SH002", "BJ001", "BJ002", "GZ001", "SZ001", "SZ002", "HZ001", "NJ001", "CD001", "WH001", "XA001"];

        // ---------------------------------------------------------------- behaviour

        private void Behave(Customer c)
        {
            _current = c;
            var starts = Enumerable.Range(0, c.Sessions).Select(_ => LocalTimeBetween(c.FirstSeen, o.End.AddHours(-6), 8, 23)).Order().ToList();
            foreach (var start in starts)
            {
                var channels = new List<string>();
                channels.AddRange(c.WebDevices.Select(_ => "web"));
                channels.AddRange(c.AppDevices.Select(_ => "app"));
                if (c.OpenId is not null)
                {
                    channels.Add("mini");
                    channels.Add("mini");
                }
                if (channels.Count == 0)
                {
                    break;
                }
                switch (Pick(channels))
                {
                    case "web":
                        DeviceSession(c, Pick(c.WebDevices), app: false, start);
                        break;
                    case "app":
                        DeviceSession(c, Pick(c.AppDevices), app: true, start);
                        break;
                    default:
                        MiniSession(c, start);
                        break;
                }
            }
            for (var i = 0; i < c.PosOrders; i++)
            {
                PosOrder(c, LocalTimeBetween(c.FirstSeen, o.End.AddHours(-2), 10, 21));
            }
            for (var i = 0; i < c.ServiceContacts; i++)
            {
                Service(c, LocalTimeBetween(c.FirstSeen, o.End.AddHours(-1), 9, 21));
            }
            if (c.ConsentChannels.Count > 0 && _rng.NextDouble() < 0.1)
            {
                var withdrawn = Pick(c.ConsentChannels);
                Consent(c, withdrawn, granted: false, LocalTimeBetween(c.FirstSeen, o.End.AddHours(-1), 8, 23));
            }
        }

        private void DeviceSession(Customer c, string device, bool app, DateTimeOffset t)
        {
            var loggedIn = c.IdentifiedDevices.Contains(device) && _rng.NextDouble() < 0.8;
            var cart = new List<(Product Product, int Quantity)>();
            var views = _rng.Next(1, 6);
            var loginAt = !loggedIn && _rng.NextDouble() < (c.Identified ? 0.3 : 0.7) ? _rng.Next(0, views) : -1;
            for (var v = 0; v < views; v++)
            {
                var product = Pick(ShopData.Catalogue);
                var dwell = _rng.Next(5, 241);
                var properties = new JsonBody();
                string name;
                if (app)
                {
                    name = Pick(ShopData.AppScreens);
                    if (name == "ProductDetail")
                    {
                        properties["sku"] = product.Sku;
                        properties["category"] = product.Category;
                    }
                }
                else
                {
                    var (pageName, pattern) = ShopData.WebPages[_rng.Next(ShopData.WebPages.Length)];
                    name = pageName;
                    var path = pattern.Replace("{category}", product.Category, StringComparison.Ordinal).Replace("{sku}", product.Sku, StringComparison.Ordinal);
                    properties["path"] = path;
                    properties["url"] = "https://shop.lodestar.example.cn" + path;
                    properties["title"] = $"{name} | Lodestar Shop";
                    if (pattern.Contains("{sku}", StringComparison.Ordinal))
                    {
                        properties["category"] = product.Category;
                    }
                }
                properties["dwellSeconds"] = dwell;
                var body = Segment(c, device, loggedIn);
                body["name"] = name;
                body["properties"] = properties;
                Add(app ? IngestRoutes.Screen : IngestRoutes.Page, app ? Kind.Screen : Kind.Page, body, t, context: Context(app));
                t += TimeSpan.FromSeconds(dwell + _rng.Next(3, 30));

                if (_rng.NextDouble() < 0.2)
                {
                    var search = Segment(c, device, loggedIn);
                    search["event"] = "Products Searched";
                    search["properties"] = new JsonBody { ["query"] = Pick(ShopData.SearchTerms) };
                    Add(IngestRoutes.Track, Kind.Track, search, t, context: Context(app));
                    t += TimeSpan.FromSeconds(_rng.Next(8, 40));
                }
                if (_rng.NextDouble() < 0.25)
                {
                    var quantity = _rng.NextDouble() < 0.8 ? 1 : _rng.Next(2, 4);
                    cart.Add((product, quantity));
                    var added = Segment(c, device, loggedIn);
                    added["event"] = "Product Added";
                    added["properties"] = new JsonBody
                    {
                        ["sku"] = product.Sku, ["name"] = product.Name, ["category"] = product.Category,
                        ["price"] = product.Price, ["quantity"] = quantity, ["currency"] = "CNY",
                    };
                    Add(IngestRoutes.Track, Kind.Track, added, t, context: Context(app));
                    t += TimeSpan.FromSeconds(_rng.Next(8, 40));
                }
                if (v == loginAt)
                {
                    t = Login(c, device, app, t);
                    loggedIn = true;
                }
            }
            if (cart.Count > 0 && loggedIn && _rng.NextDouble() < 0.45)
            {
                var order = Segment(c, device, loggedIn: true);
                order["event"] = "Order Completed";
                order["properties"] = new JsonBody
                {
                    ["orderId"] = $"{(app ? "A" : "W")}{++_orders:0000000}",
                    ["revenue"] = cart.Sum(l => l.Product.Price * l.Quantity),
                    ["currency"] = "CNY",
                    ["products"] = cart.Select(l => new JsonBody
                    {
                        ["sku"] = l.Product.Sku, ["category"] = l.Product.Category, ["price"] = l.Product.Price, ["quantity"] = l.Quantity,
                    }).ToList(),
                };
                Add(IngestRoutes.Track, Kind.Track, order, t, context: Context(app));
            }
        }

        /// <summary>Login: identify links the device to the member; the first time on an app device, alias too.</summary>
        private DateTimeOffset Login(Customer c, string device, bool app, DateTimeOffset t)
        {
            var body = new JsonBody { ["messageId"] = NewGuid(), ["type"] = "identify", ["userId"] = c.MemberId, ["anonymousId"] = device };
            var traits = new JsonBody();
            var truth = new List<string>();
            if (c.Phone is not null)
            {
                traits["phone"] = E164(c.Phone);
            }
            if (c.Email is not null)
            {
                traits["email"] = c.Email;
            }
            if (c.HanziName is not null)
            {
                traits["name"] = c.HanziName;
            }
            traits["gender"] = c.Gender;
            traits["birthday"] = c.Birthday;
            // Most sources send a region name; some already send the GB/T 2260 code, which needs no repair.
            if (_rng.NextDouble() < 0.1)
            {
                traits["region"] = c.Region.Code;
            }
            else
            {
                traits["region"] = Pick(c.Region.Names);
                truth.Add(Reasons.RegionCoded);
            }
            if (c.Region.Cities.Length > 0 && _rng.NextDouble() < 0.3)
            {
                traits["city"] = Pick(c.Region.Cities);
                truth.Add(Reasons.RegionCoded);
            }
            body["traits"] = traits;
            Add(IngestRoutes.Identify, Kind.Identify, body, t, truth, Context(app));
            t += TimeSpan.FromSeconds(_rng.Next(3, 10));
            if (app && !c.IdentifiedDevices.Contains(device) && _rng.NextDouble() < 0.5)
            {
                var alias = new JsonBody { ["messageId"] = NewGuid(), ["type"] = "alias", ["previousId"] = "anon:" + device, ["userId"] = c.MemberId };
                Add(IngestRoutes.Alias, Kind.Alias, alias, t, context: Context(app));
                t += TimeSpan.FromSeconds(_rng.Next(3, 10));
            }
            c.IdentifiedDevices.Add(device);
            if (!c.Identified)
            {
                c.Identified = true;
                if (_rng.NextDouble() < 0.7)
                {
                    foreach (var channel in new[] { "sms", "email", "push", "miniprogram" }.Where(_ => _rng.NextDouble() < 0.5))
                    {
                        c.ConsentChannels.Add(channel);
                        t = Consent(c, channel, granted: true, t) + TimeSpan.FromSeconds(_rng.Next(3, 8));
                    }
                }
            }
            return t;
        }

        private DateTimeOffset Consent(Customer c, string channel, bool granted, DateTimeOffset t)
        {
            var body = new JsonBody
            {
                ["messageId"] = NewGuid(), ["type"] = "track", ["userId"] = c.MemberId, ["event"] = "Consent Updated",
                ["properties"] = new JsonBody { ["channel"] = channel, ["purpose"] = "marketing", ["granted"] = granted },
            };
            Add(IngestRoutes.Track, Kind.Track, body, t);
            return t;
        }

        private void MiniSession(Customer c, DateTimeOffset t)
        {
            var views = _rng.Next(1, 6);
            var cart = new List<Product>();
            for (var v = 0; v < views; v++)
            {
                var dwell = _rng.Next(5, 181);
                Mini(c, "page_view", new JsonBody { ["page"] = Pick(ShopData.MiniPages), ["dwellSeconds"] = dwell }, t);
                t += TimeSpan.FromSeconds(dwell + _rng.Next(3, 20));
                var roll = _rng.NextDouble();
                if (roll < 0.25)
                {
                    var product = Pick(ShopData.Catalogue);
                    cart.Add(product);
                    Mini(c, "add_to_cart", new JsonBody { ["sku"] = product.Sku, ["category"] = product.Category, ["price"] = product.Price, ["quantity"] = 1 }, t);
                    t += TimeSpan.FromSeconds(_rng.Next(8, 30));
                }
                else if (roll < 0.33)
                {
                    Mini(c, "coupon_claimed", new JsonBody { ["couponId"] = $"CPN-{_rng.Next(100, 130)}", ["amount"] = Pick(new[] { 5, 10, 20, 50 }) }, t);
                    t += TimeSpan.FromSeconds(_rng.Next(8, 30));
                }
                else if (roll < 0.37)
                {
                    Mini(c, "share", new JsonBody { ["page"] = Pick(ShopData.MiniPages), ["target"] = "friend" }, t);
                    t += TimeSpan.FromSeconds(_rng.Next(8, 30));
                }
            }
            if (cart.Count > 0 && _rng.NextDouble() < 0.4)
            {
                Mini(c, "order_paid", new JsonBody { ["orderId"] = $"MP{++_orders:0000000}", ["revenue"] = cart.Sum(p => p.Price), ["currency"] = "CNY" }, t);
            }
        }

        private void Mini(Customer c, string name, JsonBody properties, DateTimeOffset t)
        {
            var body = new JsonBody { ["messageId"] = NewGuid(), ["openid"] = c.OpenId };
            if (c.UnionId is not null)
            {
                body["unionid"] = c.UnionId;
            }
            body["event"] = name;
            body["properties"] = properties;
            Add(IngestRoutes.MiniProgram, Kind.Mini, body, t, style: TimeStyle.UnixMs);
        }

        private void PosOrder(Customer c, DateTimeOffset t)
        {
            var orderId = $"P{t.ToOffset(ShopOffset):yyMMdd}{++_orders:0000000}";
            var products = ShopData.Catalogue.OrderBy(_ => _rng.Next()).Take(Weighted([1, 2, 3, 4], n => 5 - n)).ToList();
            var lines = products.Select(p => (Product: p, Quantity: _rng.NextDouble() < 0.75 ? 1 : _rng.Next(2, 4))).ToList();
            var body = PosBody(c, orderId, "sale", lines);
            var total = lines.Sum(l => l.Product.Price * l.Quantity);
            if (_rng.NextDouble() < 0.3 && total > 60)
            {
                body["discount"] = Pick(new[] { 5m, 10m, 20m, 30m, 50m }.Where(d => d < total * 0.4m).DefaultIfEmpty(5m).ToArray());
            }
            Add(IngestRoutes.Pos, Kind.PosSale, body, t);
            var returnAt = t + TimeSpan.FromDays(_rng.Next(1, 21)) + TimeSpan.FromMinutes(_rng.Next(0, 600));
            if (_rng.NextDouble() < 0.06 && returnAt < o.End.AddHours(-1))
            {
                var returned = lines.Take(_rng.Next(1, lines.Count + 1)).ToList();
                var refund = PosBody(c, $"R{returnAt.ToOffset(ShopOffset):yyMMdd}{++_orders:0000000}", "return", returned);
                refund["originalOrderId"] = orderId;
                Add(IngestRoutes.Pos, Kind.PosReturn, refund, returnAt, [Reasons.Cancellation]);
            }
        }

        private JsonBody PosBody(Customer c, string orderId, string type, List<(Product Product, int Quantity)> lines)
        {
            var body = new JsonBody { ["orderId"] = orderId, ["storeId"] = c.HomeStore };
            var member = _rng.NextDouble() < 0.92 || c.Phone is null;
            if (member)
            {
                body["memberId"] = c.MemberId;
            }
            if (c.Phone is not null && (!member || _rng.NextDouble() < 0.3))
            {
                body["phone"] = E164(c.Phone);
            }
            body["currency"] = "CNY";
            body["type"] = type;
            body["lines"] = lines.Select(l => new JsonBody
            {
                ["sku"] = l.Product.Sku, ["name"] = l.Product.Name, ["category"] = l.Product.Category,
                ["quantity"] = l.Quantity, ["unitPrice"] = l.Product.Price,
            }).ToList();
            return body;
        }

        private void Service(Customer c, DateTimeOffset t)
        {
            var body = new JsonBody { ["contactId"] = $"SV{++_contacts:0000000}" };
            var roll = _rng.NextDouble();
            if (roll < 0.75 || (c.Phone is null && c.OpenId is null))
            {
                body["memberId"] = c.MemberId;
            }
            else if (c.Phone is not null && (roll < 0.9 || c.OpenId is null))
            {
                body["phone"] = E164(c.Phone);
            }
            else
            {
                body["openid"] = c.OpenId;
            }
            var complaint = _rng.NextDouble() < 0.3;
            body["channel"] = Pick(ShopData.ServiceChannels);
            body["topic"] = Pick(ShopData.ServiceTopics);
            body["resolution"] = Pick(ShopData.Resolutions);
            body["complaint"] = complaint;
            Add(IngestRoutes.Service, Kind.Service, body, t);
        }

        private JsonBody Segment(Customer c, string device, bool loggedIn)
        {
            var body = new JsonBody { ["messageId"] = NewGuid() };
            if (loggedIn)
            {
                body["userId"] = c.MemberId;
            }
            body["anonymousId"] = device;
            return body;
        }

        private static JsonBody Context(bool app) => app
            ? new JsonBody
            {
                ["app"] = new JsonBody { ["name"] = "Lodestar Shop", ["version"] = "5.3.1", ["build"] = "531" },
                ["library"] = new JsonBody { ["name"] = "analytics-ios", ["version"] = "4.1.8" },
                ["locale"] = "zh-CN",
            }
            : new JsonBody
            {
                ["library"] = new JsonBody { ["name"] = "analytics.js", ["version"] = "5.2.0" },
                ["locale"] = "zh-CN",
            };

        private void Add(string route, Kind kind, JsonBody body, DateTimeOffset at, IEnumerable<string>? truth = null,
            JsonBody? context = null, TimeStyle style = TimeStyle.Offset)
        {
            if (context is not null)
            {
                body["context"] = context;
            }
            _drafts.Add(new Draft
            {
                Route = route,
                Kind = kind,
                Body = body,
                At = at,
                Style = style,
                SendTicks = at.UtcTicks,
                Seq = _seq++,
                Truth = new SortedSet<string>(truth ?? [], StringComparer.Ordinal),
                CustomerPhone = _current?.Phone,
            });
        }

        // ---------------------------------------------------------------- defects

        /// <summary>
        /// Walks the records in sending order; each is drawn for a defect with probability DirtyShare, and a drawn defect
        /// goes to the next clean record it fits (store defects wait for a store order). Every record gets at most one.
        /// </summary>
        private List<Draft> InjectDefects(List<Draft> drafts)
        {
            var pending = new List<Defect>();
            var extra = new List<Draft>();
            foreach (var d in drafts)
            {
                if (_rng.NextDouble() < o.DirtyShare)
                {
                    pending.Add(Weighted(DefectWeights, w => w.Weight).Defect);
                }
                var index = pending.FindIndex(p => Fits(p, d));
                if (index >= 0)
                {
                    Apply(pending[index], d, extra);
                    d.Defected = true;
                    pending.RemoveAt(index);
                }
            }
            return extra;
        }

        private static bool Fits(Defect defect, Draft d) => defect switch
        {
            Defect.FakePhone or Defect.PhoneNormalised => d.Kind is Kind.Identify or Kind.PosSale or Kind.PosReturn or Kind.Service,
            Defect.ImpossibleQuantity or Defect.ZeroPrice => d.Kind == Kind.PosSale,
            Defect.ImpossibleAmount => d.Kind == Kind.PosSale || HasAmount(d),
            Defect.DuplicateContent or Defect.NearDuplicate => d.Kind is Kind.Page or Kind.Screen or Kind.Track or Kind.Identify or Kind.Mini,
            Defect.MissingIdentity => d.Kind is Kind.PosSale or Kind.PosReturn or Kind.Track or Kind.Page or Kind.Screen,
            Defect.EmptyRecord => d.Kind is Kind.Identify or Kind.Page or Kind.Screen,
            _ => true,
        };

        private static bool HasAmount(Draft d) =>
            d.Kind is Kind.Track or Kind.Mini && d.Body["properties"] is JsonBody p && (p.ContainsKey("revenue") || p.ContainsKey("price"));

        private void Apply(Defect defect, Draft d, List<Draft> extra)
        {
            switch (defect)
            {
                case Defect.FakePhone:
                    SetPhone(d, FakePhone(), dropOthers: d.Kind != Kind.Identify && _rng.NextDouble() < 0.5);
                    d.Truth.Add(Reasons.FakePhone);
                    break;
                case Defect.PhoneNormalised:
                    SetPhone(d, Reformat(PhoneOf(d)), dropOthers: false);
                    d.Truth.Add(Reasons.PhoneNormalised);
                    break;
                case Defect.TestRecord:
                    MarkTest(d);
                    d.Truth.Add(Reasons.TestRecord);
                    break;
                case Defect.FutureTimestamp:
                    d.At = o.End + TimeSpan.FromHours(_rng.Next(2, 24 * 400));
                    d.Truth.Add(Reasons.FutureTimestamp);
                    break;
                case Defect.BeforeBusinessStart:
                    // Unset dates from broken clients: the Unix epoch, the eve of 2000, a 1900 default.
                    d.At = Pick(new[]
                    {
                        DateTimeOffset.UnixEpoch, new DateTimeOffset(1999, 12, 31, 23, 59, 59, ShopOffset), new DateTimeOffset(1900, 1, 1, 0, 0, 0, ShopOffset),
                    });
                    d.Style = TimeStyle.Offset; // Unix milliseconds cannot say 1900 or 0
                    d.Truth.Add(Reasons.BeforeBusinessStart);
                    break;
                case Defect.ImpossibleQuantity:
                    BreakQuantity(d);
                    d.Truth.Add(Reasons.ImpossibleQuantity);
                    break;
                case Defect.ZeroPrice:
                    Line(d)["unitPrice"] = 0m;
                    d.Truth.Add(Reasons.ZeroPrice);
                    break;
                case Defect.ImpossibleAmount:
                    BreakAmount(d);
                    d.Truth.Add(Reasons.ImpossibleAmount);
                    break;
                case Defect.DuplicateContent:
                case Defect.NearDuplicate:
                    extra.Add(Resend(d, defect == Defect.NearDuplicate));
                    break;
                case Defect.MissingIdentity:
                    if (d.Kind is Kind.PosSale or Kind.PosReturn)
                    {
                        d.Body.Remove("memberId");
                        d.Body.Remove("phone");
                    }
                    else
                    {
                        // An SDK that prefixes a not-yet-known openid sends "wx:" and nothing else.
                        d.Body["userId"] = "wx:";
                        d.Body.Remove("anonymousId");
                    }
                    d.Truth.Add(Reasons.MissingIdentity);
                    break;
                case Defect.EmptyRecord:
                    var empty = new JsonBody { ["messageId"] = (string)d.Body["messageId"]!, ["userId"] = d.Kind == Kind.Identify ? "wx:" : "anon:" };
                    d.Body = empty;
                    d.Truth = new SortedSet<string>([Reasons.EmptyRecord], StringComparer.Ordinal);
                    break;
                case Defect.TimestampToUtc:
                    d.Style = TimeStyle.Local;
                    d.Truth.Add(Reasons.TimestampToUtc);
                    break;
                default:
                    throw new InvalidOperationException($"unhandled defect {defect}");
            }
        }

        /// <summary>The same request sent again under a new message id: at the same instant, or up to a second later.</summary>
        private Draft Resend(Draft d, bool near)
        {
            var delay = near ? TimeSpan.FromMilliseconds(_rng.Next(150, 950)) : TimeSpan.Zero;
            var body = d.Body.Clone();
            body["messageId"] = NewGuid();
            var truth = new SortedSet<string>(d.Truth, StringComparer.Ordinal) { near ? Reasons.NearDuplicate : Reasons.DuplicateContent };
            return new Draft
            {
                Route = d.Route,
                Kind = d.Kind,
                Body = body,
                At = d.At + delay,
                Style = d.Style,
                SendTicks = d.SendTicks + (near ? delay.Ticks : TimeSpan.FromSeconds(_rng.Next(5, 600)).Ticks),
                Seq = _seq++,
                Truth = truth,
                Defected = true,
                CustomerPhone = d.CustomerPhone,
            };
        }

        private string PhoneOf(Draft d)
        {
            var current = (d.Kind == Kind.Identify ? ((JsonBody)d.Body["traits"]!)["phone"] : d.Body["phone"]) as string;
            return current is not null ? current[^11..] : d.CustomerPhone ?? NewPhone();
        }

        private void SetPhone(Draft d, string phone, bool dropOthers)
        {
            if (d.Kind == Kind.Identify)
            {
                ((JsonBody)d.Body["traits"]!)["phone"] = phone;
                return;
            }
            d.Body["phone"] = phone;
            if (dropOthers)
            {
                d.Body.Remove("memberId");
                d.Body.Remove("openid");
            }
        }

        /// <summary>A number no real subscriber has: a placeholder, one repeated digit, a straight run, or not a mobile at all.</summary>
        private string FakePhone() => _rng.Next(5) switch
        {
            0 => Pick(ShopData.PlaceholderPhones),
            1 => Pick(ShopData.MobilePrefixes) + new string((char)('0' + _rng.Next(10)), 8),
            2 => Pick(ShopData.MobilePrefixes) + Pick(new[] { "12345678", "23456789", "87654321", "98765432" }),
            3 => Pick(ShopData.MobilePrefixes) + _rng.Next(0, 10_000_000).ToString("0000000", CultureInfo.InvariantCulture),
            _ => Pick(new[] { "021-", "010-", "0755-" }) + _rng.Next(20_000_000, 90_000_000).ToString(CultureInfo.InvariantCulture),
        };

        /// <summary>A real number in one of the forms people and systems type instead of E.164.</summary>
        private string Reformat(string national)
        {
            if (!_usedPhoneSet.Contains(national) && _usedPhoneSet.Add(national))
            {
                _usedPhones.Add(national);
            }
            var spaced = $"{national[..3]} {national[3..7]} {national[7..]}";
            return _rng.Next(6) switch
            {
                0 => national,
                1 => spaced,
                2 => "+86 " + spaced,
                3 => "0086" + national,
                4 => $"{national[..3]}-{national[3..7]}-{national[7..]}",
                _ => "86" + national,
            };
        }

        private string E164(string national)
        {
            if (_usedPhoneSet.Add(national))
            {
                _usedPhones.Add(national);
            }
            return "+86" + national;
        }

        private void MarkTest(Draft d)
        {
            var n = ++_tests;
            var roll = _rng.Next(3);
            switch (d.Kind)
            {
                case Kind.Identify when roll == 0:
                    ((JsonBody)d.Body["traits"]!)["email"] = $"test{n}@example.com";
                    break;
                case Kind.Mini when roll == 0:
                    d.Body["openid"] = $"test_openid_{n}";
                    break;
                case Kind.Track when roll == 0:
                    d.Body["event"] = "test_event";
                    break;
                case Kind.Page or Kind.Screen or Kind.Track or Kind.Mini when roll == 1:
                    ((JsonBody)d.Body["properties"]!)["test"] = true;
                    break;
                case Kind.Mini:
                    d.Body["openid"] = $"test_openid_{n}";
                    break;
                case Kind.PosSale or Kind.PosReturn or Kind.Service:
                    d.Body["memberId"] = $"test_{n:000}";
                    break;
                default:
                    d.Body["userId"] = $"test_user_{n}";
                    break;
            }
        }

        private JsonBody Line(Draft d)
        {
            var lines = (List<JsonBody>)d.Body["lines"]!;
            return lines[_rng.Next(lines.Count)];
        }

        private void BreakQuantity(Draft d)
        {
            var lines = (List<JsonBody>)d.Body["lines"]!;
            var line = Line(d);
            switch (_rng.Next(3))
            {
                case 0:
                    line["quantity"] = 0;
                    break;
                case 1 when lines.Count > 1:
                    // One negative line among positive ones: not a return, a typo.
                    line["quantity"] = -_rng.Next(1, 4);
                    break;
                default:
                    line["quantity"] = _rng.Next(12_000, 60_000);
                    line["unitPrice"] = Math.Min((decimal)line["unitPrice"]!, 99m); // keep the line amount plausible
                    break;
            }
        }

        private void BreakAmount(Draft d)
        {
            if (d.Kind == Kind.PosSale)
            {
                var line = Line(d);
                if (_rng.Next(2) == 0)
                {
                    line["unitPrice"] = -(decimal)line["unitPrice"]!;
                }
                else
                {
                    line["unitPrice"] = 2_500_000m;
                    line["quantity"] = _rng.Next(5, 20);
                }
                return;
            }
            var properties = (JsonBody)d.Body["properties"]!;
            var key = properties.ContainsKey("revenue") ? "revenue" : "price";
            properties[key] = _rng.Next(2) == 0 ? -(decimal)properties[key]! : 25_000_000m;
        }

        // ---------------------------------------------------------------- output

        private static SyntheticRecord Serialise(Draft d)
        {
            var local = d.At.ToOffset(ShopOffset);
            d.Body["timestamp"] = d.Style switch
            {
                TimeStyle.UnixMs => d.At.ToUnixTimeMilliseconds(),
                TimeStyle.Local => local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                _ => (object)local.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            };
            return new SyntheticRecord(d.Route, d.Body.ToJson(), [.. d.Truth]);
        }

        // ---------------------------------------------------------------- randomness

        private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

        private T Weighted<T>(IReadOnlyList<T> items, Func<T, double> weight)
        {
            var total = items.Sum(weight);
            var roll = _rng.NextDouble() * total;
            foreach (var item in items)
            {
                roll -= weight(item);
                if (roll < 0)
                {
                    return item;
                }
            }
            return items[^1];
        }

        /// <summary>A random instant between two bounds whose China local hour is within opening hours.</summary>
        private DateTimeOffset LocalTimeBetween(DateTimeOffset from, DateTimeOffset to, int firstHour, int lastHour)
        {
            if (to <= from)
            {
                from = to.AddDays(-1);
            }
            var day = from + TimeSpan.FromTicks((long)(_rng.NextDouble() * (to - from).Ticks));
            var local = day.ToOffset(ShopOffset);
            var at = new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, ShopOffset)
                + TimeSpan.FromSeconds(_rng.Next(firstHour * 3600, lastHour * 3600)) + TimeSpan.FromMilliseconds(_rng.Next(1000));
            return at > to ? to - TimeSpan.FromMinutes(_rng.Next(1, 120)) : at < from ? from + TimeSpan.FromMinutes(_rng.Next(1, 60)) : at;
        }
    }
}
