namespace Lodestar.Simulation;

/// <summary>The synthetic shop's fixed vocabulary: regions, catalogue, names, stores.</summary>
internal static class ShopData
{
    /// <summary>
    /// Provincial-level regions with the names customers type (GB/T 2260 code, names, large cities), weighted roughly
    /// by online shoppers. Every name here is a province or one of the largest cities, so a trait holding it must be coded.
    /// </summary>
    public static readonly Region[] Regions =
    [
        new("440000", 14, ["广东省", "广东", "Guangdong"], ["深圳市", "广州市", "Shenzhen", "Guangzhou", "东莞市", "佛山市"]),
        new("310000", 8, ["上海市", "上海", "Shanghai"], []),
        new("110000", 7, ["北京市", "北京", "Beijing"], []),
        new("330000", 8, ["浙江省", "Zhejiang"], ["杭州市", "Hangzhou", "宁波市"]),
        new("320000", 8, ["江苏省", "Jiangsu"], ["南京市", "苏州市", "Nanjing"]),
        new("510000", 5, ["四川省", "Sichuan"], ["成都市", "Chengdu"]),
        new("420000", 4, ["湖北省", "Hubei"], ["武汉市", "Wuhan"]),
        new("370000", 5, ["山东省", "Shandong"], ["青岛市", "济南市", "Qingdao"]),
        new("350000", 3, ["福建省", "Fujian"], ["厦门市", "Xiamen"]),
        new("410000", 4, ["河南省", "Henan"], ["郑州市"]),
        new("430000", 3, ["湖南省", "Hunan"], ["长沙市", "Changsha"]),
        new("610000", 2, ["陕西省", "Shaanxi"], ["西安市", "Xi'an"]),
        new("500000", 3, ["重庆市", "重庆", "Chongqing"], []),
        new("120000", 2, ["天津市", "Tianjin"], []),
        new("450000", 2, ["广西壮族自治区", "Guangxi"], []),
        new("210000", 2, ["辽宁省", "Liaoning"], ["沈阳市", "大连市", "Dalian"]),
        new("530000", 1, ["云南省", "Yunnan"], ["昆明市"]),
        new("230000", 1, ["黑龙江省", "Heilongjiang"], ["哈尔滨市", "Harbin"]),
        new("650000", 1, ["新疆维吾尔自治区"], []),
        new("150000", 1, ["内蒙古自治区", "Inner Mongolia"], []),
    ];

    /// <summary>Real mainland mobile prefixes (China Mobile, Unicom, Telecom).</summary>
    public static readonly string[] MobilePrefixes =
    [
        "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "172", "178", "182",
        "183", "184", "187", "188", "198", "130", "131", "132", "155", "156", "166", "175", "176", "185", "186", "133",
        "149", "153", "173", "177", "180", "181", "189", "191", "199",
    ];

    /// <summary>Numbers vendors and testers type as placeholders (independent of the product's own list).</summary>
    public static readonly string[] PlaceholderPhones =
    [
        "13800138000", "13888888888", "18888888888", "13900000000", "13999999999", "13012345678", "13800000000",
        "18612345678", "15012345678",
    ];

    public static readonly string[] EmailDomains =
        ["qq.com", "qq.com", "qq.com", "163.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com", "hotmail.com", "icloud.com"];

    public static readonly string[] PinyinSurnames =
        ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "gao"];

    public static readonly string[] PinyinGiven =
        ["wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yan", "jie", "tao", "ming", "chao", "xiu", "hui", "ling", "hao", "yu"];

    public static readonly string[] HanziSurnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];

    public static readonly string[] HanziGiven = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "杰", "涛", "明", "超", "秀英", "桂英", "志强"];

    public static readonly string[] Categories = ["skincare", "makeup", "apparel", "shoes", "electronics", "home", "snacks", "baby"];

    private static readonly Dictionary<string, (string[] Nouns, decimal Min, decimal Max)> CategoryShapes = new(StringComparer.Ordinal)
    {
        ["skincare"] = (["Hydrating Serum", "Night Cream", "Cleansing Foam", "Sunscreen SPF50", "Toner", "Eye Cream"], 59, 690),
        ["makeup"] = (["Matte Lipstick", "Cushion Foundation", "Eyeshadow Palette", "Mascara", "Setting Powder"], 49, 420),
        ["apparel"] = (["Cotton T-Shirt", "Down Jacket", "Linen Shirt", "Knit Sweater", "Jeans", "Silk Dress"], 79, 1299),
        ["shoes"] = (["Running Shoes", "Canvas Sneakers", "Leather Loafers", "Ankle Boots"], 159, 999),
        ["electronics"] = (["Wireless Earbuds", "Power Bank", "Smart Watch", "Bluetooth Speaker", "Phone Case"], 39, 2499),
        ["home"] = (["Aroma Diffuser", "Bamboo Towel Set", "Ceramic Mug", "Memory Pillow", "Storage Box"], 19, 399),
        ["snacks"] = (["Dried Mango", "Mixed Nuts", "Green Tea", "Beef Jerky", "Seaweed Crisps"], 9.9m, 129),
        ["baby"] = (["Diapers L", "Baby Wipes", "Formula Stage 2", "Teether", "Baby Lotion"], 29, 399),
    };

    public static readonly Product[] Catalogue = BuildCatalogue();

    public static readonly string[] SearchTerms =
        ["防晒", "口红", "羽绒服", "耳机", "running shoes", "serum", "纸尿裤", "坚果", "连衣裙", "充电宝", "面膜", "sneakers", "咖啡杯", "保温杯"];

    public static readonly string[] ServiceChannels = ["phone", "wechat", "online_chat", "email", "store"];

    public static readonly string[] ServiceTopics = ["delivery_delay", "refund", "product_quality", "size_exchange", "invoice", "account", "membership_points"];

    public static readonly string[] Resolutions = ["resolved", "refunded", "replaced", "escalated", "pending"];

    public static readonly (string Name, string Path)[] WebPages =
    [
        ("Home", "/"), ("Category", "/category/{category}"), ("Product Detail", "/product/{sku}"), ("Search Results", "/search"),
        ("Cart", "/cart"), ("Checkout", "/checkout"), ("Account", "/account"), ("Promotions", "/promo/double-11"),
    ];

    public static readonly string[] AppScreens = ["Home", "Category", "ProductDetail", "Search", "Cart", "Checkout", "Me", "Coupons"];

    public static readonly string[] MiniPages = ["pages/index/index", "pages/category/list", "pages/goods/detail", "pages/cart/cart", "pages/mine/mine"];

    private static Product[] BuildCatalogue()
    {
        // Built from a fixed seed of its own so the catalogue is the same for every shop.
        var rng = new Random(20_240_601);
        var products = new List<Product>();
        foreach (var category in Categories)
        {
            var (nouns, min, max) = CategoryShapes[category];
            var n = 0;
            foreach (var noun in nouns)
            {
                for (var variant = 0; variant < 3; variant++)
                {
                    var raw = min + (decimal)rng.NextDouble() * (max - min);
                    var price = decimal.Floor(raw) + (rng.Next(3) == 0 ? 0.9m : 0m);
                    products.Add(new Product($"SKU-{category[..3].ToUpperInvariant()}-{++n:000}", $"{noun} {(char)('A' + variant)}", category, price));
                }
            }
        }
        return [.. products];
    }
}

internal sealed record Region(string Code, int Weight, string[] Names, string[] Cities);

internal sealed record Product(string Sku, string Name, string Category, decimal Price);
