// Log Analytics and a workspace-based Application Insights. Local (instrumentation key) authentication is disabled, so
// telemetry is accepted only with an Entra token: the app's identity holds Monitoring Metrics Publisher (roles.bicep).

param logAnalyticsName string
param appInsightsName string
param location string
param tags object
@minValue(30)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name
