/**
 * Request parameters gathered from the query string and the body (urlencoded, multipart fields or a
 * flat JSON object), as X accepts them in any of those places. Repeated fields keep every value.
 */

/** Case-sensitive multimap of parameter values. */
export class Params {
  readonly #values: Map<string, string[]>

  constructor(values: Map<string, string[]> = new Map()) {
    this.#values = values
  }

  /** Adds one value. */
  add(name: string, value: string): void {
    const list = this.#values.get(name)
    if (list === undefined) this.#values.set(name, [value])
    else list.push(value)
  }

  /** Adds every value of a JSON-ish field (one level of array flattens, scalars stringify, others are skipped). */
  addJson(name: string, value: unknown): void {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
        this.add(name, String(item))
    }
  }

  /** The first value, if any. */
  first(name: string): string | undefined {
    return this.#values.get(name)?.[0]
  }

  /** Every value, in arrival order. */
  all(name: string): string[] {
    return this.#values.get(name) ?? []
  }

  /** Whether any value was sent. */
  has(name: string): boolean {
    return this.#values.has(name)
  }

  /** Parameter names present. */
  names(): string[] {
    return [...this.#values.keys()]
  }

  /** Builds params from a parsed query object. */
  static fromQuery(query: unknown): Params {
    const params = new Params()
    if (query !== null && typeof query === 'object') {
      for (const [name, value] of Object.entries(query)) params.addJson(name, value)
    }
    return params
  }
}
