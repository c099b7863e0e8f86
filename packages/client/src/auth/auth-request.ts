/** What an `Auth` implementation is asked to authorize: one HTTP request, before it is sent. */

/** Form parameters of an `application/x-www-form-urlencoded` body. */
export type FormParams = URLSearchParams | Readonly<Record<string, string>> | readonly (readonly [string, string])[]

/** A request to authorize. */
export interface AuthRequest {
  /** HTTP method, e.g. `POST`. */
  method: string
  /** Full URL including the query string. */
  url: string
  /**
   * The parameters of an urlencoded body, which OAuth 1.0a signs (RFC 5849 §3.4.1.3.1); leave it
   * out for multipart and JSON bodies, which are not signed.
   */
  bodyParams?: FormParams
}

/** Produces the `Authorization` header value of requests. */
export interface Auth {
  /** The `Authorization` header value for `request`. */
  authorize(request: AuthRequest): Promise<string>
  /**
   * Called when the server answered 401 to a request sent with `rejected` (the header value that
   * was used). Resolves true when retrying with a fresh `authorize()` may succeed.
   */
  onUnauthorized?(rejected: string): Promise<boolean>
}

/** `FormParams` as name/value pairs, in order. */
export function formPairs(params: FormParams | undefined): [string, string][] {
  if (params === undefined) return []
  if (params instanceof URLSearchParams) return searchPairs(params)
  if (Array.isArray(params)) return params.map(([name, value]) => [name, value])
  return Object.entries(params as Readonly<Record<string, string>>)
}

/** The pairs of a `URLSearchParams` (the core's lib has no DOM.Iterable, so no spread). */
export function searchPairs(params: URLSearchParams): [string, string][] {
  const pairs: [string, string][] = []
  params.forEach((value, name) => {
    pairs.push([name, value])
  })
  return pairs
}
