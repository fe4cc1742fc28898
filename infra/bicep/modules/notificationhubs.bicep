// Push: a Notification Hubs namespace and hub. The send API takes a SAS token, so the hub carries a Send-only rule; its
// connection string is never read here (no listKeys): the operator copies it into Key Vault once (README).

param namespaceName string
param hubName string
param sendRuleName string
param location string
param tags object

resource namespace 'Microsoft.NotificationHubs/namespaces@2023-09-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Free'
  }
  properties: {
    namespaceType: 'NotificationHub'
  }
}

resource hub 'Microsoft.NotificationHubs/namespaces/notificationHubs@2023-09-01' = {
  parent: namespace
  name: hubName
  location: location
  tags: tags
  properties: {}
}

resource sendRule 'Microsoft.NotificationHubs/namespaces/notificationHubs/authorizationRules@2023-09-01' = {
  parent: hub
  name: sendRuleName
  properties: {
    rights: [
      'Send'
    ]
  }
}

output namespaceName string = namespace.name
output hubName string = hub.name
output sendRuleName string = sendRule.name
