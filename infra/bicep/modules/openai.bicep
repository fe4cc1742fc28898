// Azure OpenAI for AI-written copy variants. Key authentication is disabled; the app's identity holds Cognitive Services
// OpenAI User (roles.bicep). The custom subdomain is required for Entra authentication.

param name string
param location string
param tags object
param modelName string
param modelVersion string
param deploymentName string
param deploymentSku string
@description('Deployment capacity in thousands of tokens per minute.')
param capacity int

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSku
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

output name string = account.name
output endpoint string = account.properties.endpoint
output deploymentName string = deployment.name
