using System.Collections.Frozen;

namespace Lodestar.Cleaning;

/// <summary>
/// Region names (Chinese or pinyin, with or without the 省/市/自治区 suffix) to GB/T 2260 administrative codes: all
/// provincial-level divisions and the largest cities.
/// </summary>
public static class RegionCodes
{
    private static readonly FrozenDictionary<string, string> ByName = Build();

    /// <summary>The GB/T 2260 code for <paramref name="name"/>, or null when it is not a known region.</summary>
    public static string? Find(string name)
    {
        var key = Normalise(name);
        if (key.Length == 6 && key.All(char.IsAsciiDigit))
        {
            return ByName.Values.Contains(key) ? key : null;
        }
        return ByName.GetValueOrDefault(key);
    }

    private static string Normalise(string name)
    {
        var s = name.Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        foreach (var suffix in new[] { "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市", "province", "city", "shi", "sheng" })
        {
            if (s.Length > suffix.Length + 1 && s.EndsWith(suffix, StringComparison.Ordinal))
            {
                return s[..^suffix.Length];
            }
        }
        return s;
    }

    private static FrozenDictionary<string, string> Build()
    {
        (string Code, string Hanzi, string Pinyin)[] regions =
        [
            ("110000", "北京", "beijing"), ("120000", "天津", "tianjin"), ("130000", "河北", "hebei"),
            ("140000", "山西", "shanxi"), ("150000", "内蒙古", "neimenggu"), ("210000", "辽宁", "liaoning"),
            ("220000", "吉林", "jilin"), ("230000", "黑龙江", "heilongjiang"), ("310000", "上海", "shanghai"),
            ("320000", "江苏", "jiangsu"), ("330000", "浙江", "zhejiang"), ("340000", "安徽", "anhui"),
            ("350000", "福建", "fujian"), ("360000", "江西", "jiangxi"), ("370000", "山东", "shandong"),
            ("410000", "河南", "henan"), ("420000", "湖北", "hubei"), ("430000", "湖南", "hunan"),
            ("440000", "广东", "guangdong"), ("450000", "广西", "guangxi"), ("460000", "海南", "hainan"),
            ("500000", "重庆", "chongqing"), ("510000", "四川", "sichuan"), ("520000", "贵州", "guizhou"),
            ("530000", "云南", "yunnan"), ("540000", "西藏", "xizang"), ("610000", "陕西", "shaanxi"),
            ("620000", "甘肃", "gansu"), ("630000", "青海", "qinghai"), ("640000", "宁夏", "ningxia"),
            ("650000", "新疆", "xinjiang"), ("710000", "台湾", "taiwan"), ("810000", "香港", "hongkong"),
            ("820000", "澳门", "macau"),
            // The largest prefecture-level cities.
            ("440100", "广州", "guangzhou"), ("440300", "深圳", "shenzhen"), ("330100", "杭州", "hangzhou"),
            ("320100", "南京", "nanjing"), ("320500", "苏州", "suzhou"), ("420100", "武汉", "wuhan"),
            ("510100", "成都", "chengdu"), ("610100", "西安", "xian"), ("370200", "青岛", "qingdao"),
            ("330200", "宁波", "ningbo"), ("410100", "郑州", "zhengzhou"), ("430100", "长沙", "changsha"),
            ("210100", "沈阳", "shenyang"), ("210200", "大连", "dalian"), ("350200", "厦门", "xiamen"),
            ("441900", "东莞", "dongguan"), ("440600", "佛山", "foshan"), ("370100", "济南", "jinan"),
            ("230100", "哈尔滨", "harbin"), ("530100", "昆明", "kunming"),
        ];
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, hanzi, pinyin) in regions)
        {
            map[hanzi] = code;
            map[pinyin] = code;
        }
        map["inner mongolia".Replace(" ", "", StringComparison.Ordinal)] = "150000";
        map["tibet"] = "540000";
        map["macao"] = "820000";
        map["xi'an"] = "610100";
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
