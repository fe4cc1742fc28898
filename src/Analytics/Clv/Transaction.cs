namespace Lodestar.Analytics.Clv;

/// <summary>One purchase as the CLV models see it: who, which calendar day, how much.</summary>
public readonly record struct Transaction(string CustomerId, DateOnly Date, decimal Amount);
