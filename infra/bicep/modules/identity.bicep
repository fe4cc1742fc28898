// The app's one user-assigned identity: every data-plane role in roles.bicep is granted to it, and the app settings name
// its client id so each SDK picks it rather than guessing.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
