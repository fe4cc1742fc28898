// The app's own secrets (write key, mini-program signing secret, PII hashing key, push connection string) live here and
// reach the app as Key Vault references. The vault uses Azure RBAC; this template creates no secret values: the
// operator sets them once (README), so no secret passes through deployment parameters or history.

param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
