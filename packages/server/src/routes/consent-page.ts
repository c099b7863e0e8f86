/**
 * The consent page's HTML: plain server-rendered forms, no scripts. Every interpolated value goes
 * through `escapeHtml`, including the app name an app owner chose and every echoed parameter.
 */
import { AUTHORIZE_PARAMS, type AuthorizeParams } from '../auth/oauth2/authorize-request.js'
import { describeScope } from '../auth/oauth2/scopes.js'

/** What every consent form needs. */
export interface ConsentForm {
  appName: string
  scopes: readonly string[]
  redirectUri: string
  /** Path the form posts to (the path the page was served on). */
  action: string
  params: AuthorizeParams
  csrfToken: string
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#0f1419}
h1{font-size:1.4rem}ul{padding-left:1.2rem}label{display:block;margin:.6rem 0}
input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{padding:.5rem 1.2rem;margin:.8rem .6rem 0 0;border-radius:999px;border:1px solid #536471;background:#fff}
button.primary{background:#0f1419;color:#fff}.error{color:#b00020}.muted{color:#536471;font-size:.9rem}`

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`
}

function hiddenFields(form: ConsentForm): string {
  const fields = AUTHORIZE_PARAMS.flatMap((name) => {
    const value = form.params[name]
    return value === undefined ? [] : [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`]
  })
  fields.push(`<input type="hidden" name="csrf_token" value="${escapeHtml(form.csrfToken)}">`)
  return fields.join('\n')
}

function scopeList(scopes: readonly string[]): string {
  const items = scopes.map(
    (scope) => `<li>${escapeHtml(describeScope(scope))} <span class="muted">(${escapeHtml(scope)})</span></li>`,
  )
  return `<ul>${items.join('')}</ul>`
}

function origin(redirectUri: string): string {
  try {
    const url = new URL(redirectUri)
    return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin
  } catch {
    return redirectUri
  }
}

function intro(form: ConsentForm): string {
  return `<h1>${escapeHtml(form.appName)} wants to access your birdhouse account</h1>
<p>It will be able to:</p>${scopeList(form.scopes)}
<p class="muted">You will be sent back to ${escapeHtml(origin(form.redirectUri))}.</p>`
}

/** Sign-in form (handle and password) with a Cancel button that denies. */
export function loginPage(form: ConsentForm, error?: string, handle = ''): string {
  const message = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`
  return page(
    `Authorize ${form.appName}`,
    `${intro(form)}
<form method="post" action="${escapeHtml(form.action)}">
${hiddenFields(form)}
<p>Sign in to continue.</p>${message}
<label>Handle <input type="text" name="handle" value="${escapeHtml(handle)}" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button class="primary" type="submit" name="action" value="login">Sign in</button>
<button type="submit" name="action" value="deny" formnovalidate>Cancel</button>
</form>`,
  )
}

/** Approve / Deny form for a signed-in user. */
export function approvePage(form: ConsentForm, handle: string): string {
  return page(
    `Authorize ${form.appName}`,
    `${intro(form)}
<form method="post" action="${escapeHtml(form.action)}">
${hiddenFields(form)}
<p>Signed in as <strong>@${escapeHtml(handle)}</strong>.</p>
<button class="primary" type="submit" name="action" value="approve">Authorize app</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form>`,
  )
}

/** An error the user sees instead of being redirected. */
export function errorPage(message: string): string {
  return page('Authorization error', `<h1>Something went wrong</h1>\n<p class="error">${escapeHtml(message)}</p>`)
}
