// The ingest stream: one hub partitioned by customer id (the HTTP producer sets the partition key), read by the
// Functions trigger through its own consumer group. SAS (local) authentication is disabled.

param namespaceName string
param hubName string
param consumerGroupName string
param location string
param tags object
@minValue(1)
@maxValue(32)
param partitionCount int
@minValue(1)
@maxValue(7)
param retentionInDays int

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  // Standard: Basic has only the $Default consumer group.
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionInDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

output namespaceName string = namespace.name
output hubName string = hub.name
output consumerGroupName string = consumerGroup.name
// '<namespace>.servicebus.windows.net', taken from the service endpoint so no cloud's host name is hard-coded.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
