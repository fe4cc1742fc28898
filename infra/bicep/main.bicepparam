using './main.bicep'

// A first deployment for one tenant in China Standard Time. Every value here is a name, a size or a schedule:
// secrets never go in this file (they are set in Key Vault afterwards, see README.md).
param baseName = 'lodestar'
param eventHubPartitionCount = 4
param eventHubRetentionDays = 1
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param communicationDataLocation = 'Asia Pacific'
param emailSenderUsername = 'DoNotReply'
param emailSenderDisplayName = 'Lodestar'
param openAiModelName = 'gpt-4o-mini'
param openAiModelVersion = '2024-07-18'
param openAiDeploymentSku = 'GlobalStandard'
param openAiCapacity = 10
param tenantOffset = '+08:00'
param runsZone = 'Asia/Shanghai'
param dailyRunSchedule = '0 0 18 * * *'
param monthlyRunSchedule = '0 0 19 * * *'
