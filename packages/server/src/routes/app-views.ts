/** Wire views (snake_case) of apps, shared by the admin API and the CLI's `--json` output. */
import type { CreatedApp } from '../auth/apps.js'
import type { AppRecord } from '../stores/auth-store.js'

/** An app without secrets, as the listing shows it. */
export function appView(app: AppRecord) {
  return {
    id: app.id,
    name: app.name,
    owner_id: app.ownerId,
    client_id: app.clientId,
    client_type: app.clientSecretHash === null ? 'public' : 'confidential',
    permission: app.permission,
    redirect_uris: app.redirectUris,
    consumer_key: app.consumerKey,
    created_at: new Date(app.createdAtMs).toISOString(),
  }
}

/** A new app with every credential, shown once. */
export function createdAppView(created: CreatedApp) {
  return {
    ...appView(created.app),
    ...(created.clientSecret === null ? {} : { client_secret: created.clientSecret }),
    consumer_secret: created.consumerSecret,
    bearer_token: created.bearerToken,
    access_token: created.accessToken,
    access_token_secret: created.accessTokenSecret,
  }
}
