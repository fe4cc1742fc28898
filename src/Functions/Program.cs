using Lodestar.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTelemetry(builder.Configuration);
builder.Services.AddLodestar(builder.Configuration);
builder.Build().Run();
