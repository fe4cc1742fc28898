// Cosmos DB for NoSQL, serverless, with continuous backup. Keys are disabled for data (disableLocalAuth) and for
// metadata writes, so the database and containers below exist only because this template declares them; the app's
// identity gets data access through a Cosmos SQL role assignment in roles.bicep.
// The container list lives in ../cosmos-containers.json, the one place the adapter reads it from too.

param accountName string
param location string
param tags object

var layout = loadJsonContent('../cosmos-containers.json')

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: layout.database
  properties: {
    resource: {
      id: layout.database
    }
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for c in layout.containers: {
    parent: database
    name: c.name
    properties: {
      resource: {
        id: c.name
        partitionKey: {
          paths: [c.partitionKey]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: map(c.?includedPaths ?? ['/*'], p => { path: p })
          excludedPaths: map(concat(c.excludedPaths, ['/"_etag"/?']), p => { path: p })
        }
      }
    }
  }
]

output accountName string = account.name
output databaseName string = database.name
output accountEndpoint string = account.properties.documentEndpoint
output containerNames array = [for (c, i) in layout.containers: containers[i].name]
