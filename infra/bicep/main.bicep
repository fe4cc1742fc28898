// Lodestar on Azure: the Functions app (Flex Consumption) and every service it calls, wired with one user-assigned
// identity and no keys. Deploy into an existing resource group:
//   az deployment group create -g <group> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam
// What each module holds and how to publish the app: infra/bicep/README.md.

targetScope = 'resourceGroup'

@description('Short name used in every resource name.')
@minLength(3)
@maxLength(12)
param baseName string = 'lodestar'

param location string = resourceGroup().location

@description('Partitions of the ingest hub: the ceiling on parallel trigger instances reading it. Fixed after creation on Standard.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 1

@description('Upper bound on Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Where ACS keeps email and SMS data at rest.')
param communicationDataLocation string = 'Asia Pacific'

param emailSenderUsername string = 'DoNotReply'
param emailSenderDisplayName string = 'Lodestar'

@description('ACS phone number or sender id for SMS (bought separately); empty leaves SMS unconfigured.')
param smsFrom string = ''

param openAiLocation string = location
param openAiModelName string = 'gpt-4o-mini'
param openAiModelVersion string = '2024-07-18'
param openAiDeploymentSku string = 'GlobalStandard'
@description('Thousands of tokens per minute for the model deployment.')
@minValue(1)
param openAiCapacity int = 10

@description('Folder of journey definitions deployed with the app package (relative to the app root); empty: journeys are published over POST /api/journeys only.')
param journeysPath string = ''

@description('The tenant\'s UTC offset, assumed for source times without one.')
param tenantOffset string = '+08:00'
@description('IANA zone in which days and months begin and the scheduled runs fall due.')
param runsZone string = 'Asia/Shanghai'
@description('NCRONTAB (UTC) of the daily run; must fire at or after 02:00 in runsZone.')
param dailyRunSchedule string = '0 0 18 * * *'
@description('NCRONTAB (UTC) of the monthly run; must fire at or after 03:00 on the 1st in runsZone.')
param monthlyRunSchedule string = '0 0 19 * * *'
@description('Durable Functions task hub (host.json reads %DurableTaskHubName%): one per app sharing a storage account.')
param durableTaskHubName string = 'lodestar'
@description('SQLite file of the customer store, until the app is switched to Cosmos DB. Per instance and not durable on Flex.')
param storePath string = '/tmp/lodestar/customers.db'

@minValue(30)
param logRetentionDays int = 30

param tags object = {
  app: 'lodestar'
}

var suffix = uniqueString(resourceGroup().id, baseName)
// Lower case throughout: Cosmos DB, storage and the OpenAI subdomain accept nothing else.
var base = toLower(baseName)
var compactName = replace(base, '-', '')
var names = {
  identity: 'id-${base}-${suffix}'
  logAnalytics: 'log-${base}-${suffix}'
  appInsights: 'appi-${base}-${suffix}'
  storage: take('st${compactName}${suffix}', 24)
  eventHubs: 'evhns-${base}-${suffix}'
  cosmos: 'cosmos-${base}-${suffix}'
  communication: 'acs-${base}-${suffix}'
  emailService: 'ecs-${base}-${suffix}'
  notificationHubs: 'ntfns-${base}-${suffix}'
  openAi: 'oai-${base}-${suffix}'
  vault: take('kv${compactName}${suffix}', 24)
  plan: 'plan-${base}-${suffix}'
  app: 'func-${base}-${suffix}'
}
var deploymentContainerName = 'app-package'
var eventHubName = 'lodestar-events'
var consumerGroupName = 'lodestar-ingest'
var notificationHubName = 'lodestar-push'
var openAiDeploymentName = 'copy'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventHubs'
  params: {
    namespaceName: names.eventHubs
    hubName: eventHubName
    consumerGroupName: consumerGroupName
    location: location
    tags: tags
    partitionCount: eventHubPartitionCount
    retentionInDays: eventHubRetentionDays
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    tags: tags
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    communicationName: names.communication
    emailServiceName: names.emailService
    dataLocation: communicationDataLocation
    senderUsername: emailSenderUsername
    senderDisplayName: emailSenderDisplayName
    tags: tags
  }
}

module notificationHubs 'modules/notificationhubs.bicep' = {
  name: 'notificationHubs'
  params: {
    namespaceName: names.notificationHubs
    hubName: notificationHubName
    sendRuleName: 'lodestar-send'
    location: location
    tags: tags
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openAi'
  params: {
    name: names.openAi
    location: openAiLocation
    tags: tags
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    deploymentName: openAiDeploymentName
    deploymentSku: openAiDeploymentSku
    capacity: openAiCapacity
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'vault'
  params: {
    name: names.vault
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.hubName
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmos.outputs.databaseName
    openAiName: openAi.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    vaultName: vault.outputs.name
    communicationName: communication.outputs.name
  }
}

// The Application Insights component, read here for its connection string (an ingestion address, not a credential:
// the component takes Entra-authenticated telemetry only) so that no module output has to carry it.
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: names.appInsights
}

// Every app setting in one place: the names src/Functions reads (local.settings.sample.json shows them for a local run).
// Connections are identity-based; the app's own secrets are Key Vault references whose values the operator sets.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  // The identity DefaultAzureCredential picks in the app (Cosmos DB, ACS, OpenAI, the telemetry exporter).
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  DurableTaskHubName: durableTaskHubName
  EventHubName: eventHubs.outputs.hubName
  EventHubConsumerGroup: eventHubs.outputs.consumerGroupName
  EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identity.outputs.clientId
  Cosmos__accountEndpoint: cosmos.outputs.accountEndpoint
  Cosmos__database: cosmos.outputs.databaseName
  Lodestar__WriteKey: '@Microsoft.KeyVault(VaultName=${names.vault};SecretName=lodestar-write-key)'
  Lodestar__MiniProgramSecret: '@Microsoft.KeyVault(VaultName=${names.vault};SecretName=lodestar-mini-program-secret)'
  Lodestar__PiiKey: '@Microsoft.KeyVault(VaultName=${names.vault};SecretName=lodestar-pii-key)'
  Lodestar__StorePath: storePath
  Lodestar__TenantOffset: tenantOffset
  Lodestar__JourneysPath: journeysPath
  Lodestar__Runs__Zone: runsZone
  DailyRunSchedule: dailyRunSchedule
  MonthlyRunSchedule: monthlyRunSchedule
  Channels__Email__Endpoint: communication.outputs.endpoint
  Channels__Email__ClientId: identity.outputs.clientId
  Channels__Email__Sender: communication.outputs.senderAddress
  Channels__Push__HubName: notificationHubs.outputs.hubName
  Channels__Push__ConnectionString: '@Microsoft.KeyVault(VaultName=${names.vault};SecretName=push-send-connection)'
  Lodestar__AiCopy__Endpoint: openAi.outputs.endpoint
  Lodestar__AiCopy__Deployment: openAi.outputs.deploymentName
}

// SMS needs a number or sender id bought in ACS; until smsFrom is given the section stays absent (unconfigured).
var smsSettings = empty(smsFrom)
  ? {}
  : {
      Channels__Sms__Endpoint: communication.outputs.endpoint
      Channels__Sms__ClientId: identity.outputs.clientId
      Channels__Sms__From: smsFrom
    }

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    planName: names.plan
    appName: names.app
    location: location
    tags: tags
    identityId: identity.outputs.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    settings: appSettings
    conditionalSettings: smsSettings
  }
  // The identity must hold its storage and vault roles before the host starts and resolves its references.
  dependsOn: [
    roles
    monitoring
  ]
}

// Outputs carry names and endpoints only: what a local.settings.json or a publish step needs, nothing that authenticates.
output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output identityClientId string = identity.outputs.clientId
output storageAccountName string = storage.outputs.name
output deploymentContainer string = deploymentContainerName
output eventHubFullyQualifiedNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output eventHubName string = eventHubs.outputs.hubName
output eventHubConsumerGroup string = eventHubs.outputs.consumerGroupName
output cosmosAccountEndpoint string = cosmos.outputs.accountEndpoint
output cosmosDatabase string = cosmos.outputs.databaseName
output cosmosContainers array = cosmos.outputs.containerNames
output communicationEndpoint string = communication.outputs.endpoint
output emailSenderAddress string = communication.outputs.senderAddress
output notificationHubNamespace string = notificationHubs.outputs.namespaceName
output notificationHubName string = notificationHubs.outputs.hubName
output notificationHubSendRule string = notificationHubs.outputs.sendRuleName
output openAiEndpoint string = openAi.outputs.endpoint
output openAiDeployment string = openAi.outputs.deploymentName
output vaultName string = vault.outputs.name
