namespace Lodestar.Learning.Churn;

/// <summary>
/// The reason codes features stand for. A reason code says why a customer scores high; the
/// <see cref="RetentionPlaybook"/> maps it to what to do about it.
/// </summary>
public static class ChurnReasons
{
    /// <summary>Pays much, or buys mostly on discount: price-sensitive.</summary>
    public const string Price = "price";
    /// <summary>Complained, or contacted service often.</summary>
    public const string Complaint = "complaint";
    /// <summary>Long since the last order or visit, or overdue against their own rhythm.</summary>
    public const string Inactivity = "inactivity";
    /// <summary>Orders or sessions falling against their own past.</summary>
    public const string Engagement = "engagement";
    /// <summary>Spends less than before.</summary>
    public const string SpendDecline = "spend_decline";
    /// <summary>Returns and cancellations.</summary>
    public const string Returns = "returns";
    /// <summary>A new customer, still in the period where many leave.</summary>
    public const string Tenure = "tenure";
    /// <summary>No commitment: month-to-month contract.</summary>
    public const string Contract = "contract";
    /// <summary>Payment and billing friction (manual payment, paper bills).</summary>
    public const string Billing = "billing";
    /// <summary>Lacks the support and protection add-ons whose holders stay.</summary>
    public const string Support = "support";
    /// <summary>The service itself (e.g. the internet product whose customers leave most).</summary>
    public const string ServiceQuality = "service_quality";
    /// <summary>Product mix: the bundle does not fit.</summary>
    public const string ProductFit = "product_fit";
}
