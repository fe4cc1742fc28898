// The Cosmos DB stand-in for the store tests: @vercel/cosmosdb-server 1.0.1 with three fixes, all seen on this machine
// (shared notes, local-servers.md section 1):
//  1. Its bundled certificate expired in 2021: serve the certificate in CERT_FILE/KEY_FILE (the tests make their own).
//  2. On Linux the .NET SDK asks the gateway for a query plan (x-ms-cosmos-is-query-plan-request); the server ignores
//     the header and runs the query, so ORDER BY, TOP, aggregates and cross-partition queries fail. Answer with a
//     pass-through plan over one partition-key range: the server then runs the query as written.
//  3. A point read of a missing document answers 500 instead of 404.
// PORT=0 (the default) takes a free port; the line "cosmos shim ready at https://HOST:PORT/" says which.
const { createHttpsServer } = require("@vercel/cosmosdb-server");
const fs = require("fs");

const port = parseInt(process.env.PORT || "0", 10);
const host = process.env.HOST || "127.0.0.1";
const tls = process.env.CERT_FILE
  ? { cert: fs.readFileSync(process.env.CERT_FILE), key: fs.readFileSync(process.env.KEY_FILE) }
  : undefined;

const server = createHttpsServer(tls);
const [inner] = server.listeners("request");
server.removeAllListeners("request");

const PLAN = JSON.stringify({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None", top: null, offset: null, limit: null, orderBy: [], orderByExpressions: [],
    groupByExpressions: [], groupByAliases: [], aggregates: [], groupByAliasToAggregateType: {}, rewrittenQuery: "",
    hasSelectValue: false, dCountInfo: null, hasNonStreamingOrderBy: false,
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }],
});

server.on("request", (req, res) => {
  if (String(req.headers["x-ms-cosmos-is-query-plan-request"]).toLowerCase() === "true") {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(PLAN);
    });
    return;
  }
  if (req.method === "GET" && /\/docs\/[^/]+\/?$/.test(req.url)) {
    const end = res.end.bind(res);
    res.end = (body, ...rest) => {
      if (res.statusCode === 500 && String(body).includes("Cannot read properties of undefined")) {
        res.statusCode = 404;
        body = JSON.stringify({ code: "NotFound", message: "Entity with the specified id does not exist in the system." });
      }
      return end(body, ...rest);
    };
  }
  inner(req, res);
});

server.listen(port, host, () => console.log(`cosmos shim ready at https://${host}:${server.address().port}/`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
