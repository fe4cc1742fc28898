using System.CommandLine;
using System.Text.Json;
using Lodestar.Customers;

namespace Lodestar.Standalone.Commands;

internal static class ProfileCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var id = new Argument<string>("id") { Description = "Customer id (c_ and 16 hex digits)" };
        var command = new Command("profile", "Print a customer's masked 360° profile as JSON") { id, data };
        command.SetAction(async (parse, ct) =>
        {
            if (!CustomerId.TryParse(parse.GetValue(id), out var customer))
            {
                await Console.Error.WriteLineAsync($"'{parse.GetValue(id)}' is not a customer id: expected c_ followed by 16 lower-case hex digits");
                return 2;
            }
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            if (await app.Store.GetAsync(customer, ct) is not { } profile)
            {
                await Console.Error.WriteLineAsync($"no customer {customer} in {app.Data.Root}");
                return 1;
            }
            Console.WriteLine(JsonSerializer.Serialize(profile.ForDisplay(), new JsonSerializerOptions(DomainJson.Options) { WriteIndented = true }));
            return 0;
        });
        return command;
    }
}
