namespace Lodestar.Analytics.Clv;

/// <summary>A model fitted by maximum likelihood: the parameters, the log-likelihood they reach, and on how much data.</summary>
/// <param name="Model">The fitted parameters.</param>
/// <param name="LogLikelihood">Σ log L at the fitted parameters (the published figures are this number).</param>
/// <param name="Customers">Customers whose histories entered the likelihood.</param>
/// <param name="Evaluations">Likelihood evaluations the optimiser spent (a measure of fitting work).</param>
/// <param name="Converged">
/// False when the search stopped on its budget or at the bounds of the parameter space without settling: typically too
/// little data, or data the model does not describe (the maximum lies at a parameter of 0 or ∞). The parameters are
/// then the best point found, and predictions from them deserve suspicion.
/// </param>
public sealed record ModelFit<TModel>(TModel Model, double LogLikelihood, int Customers, int Evaluations, bool Converged);
