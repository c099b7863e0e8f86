/** `SqliteStatements.relaxed`: commits without an fsync, and always hands the connection back at `synchronous = FULL`. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../logger.js'
import { openSqliteDatabase, SqliteStatements } from './sqlite-database.js'

const dir = mkdtempSync(join(tmpdir(), 'birdhouse-sqlite-database-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** PRAGMA synchronous: 1 NORMAL, 2 FULL. */
const FULL = 2
const NORMAL = 1

describe('SqliteStatements.relaxed', () => {
  const db = openSqliteDatabase(join(dir, 'relaxed.db'), 1000, silentLogger)
  const sql = new SqliteStatements(db)
  const synchronous = () => db.pragma('synchronous', { simple: true })
  sql.run('CREATE TABLE IF NOT EXISTS t (v INTEGER)')

  it('runs its transaction at NORMAL and restores FULL', () => {
    expect(synchronous()).toBe(FULL)
    const seen = sql.relaxed(() => {
      sql.run('INSERT INTO t VALUES (1)')
      return synchronous()
    })
    expect(seen).toBe(NORMAL)
    expect(synchronous()).toBe(FULL)
    expect(sql.get('SELECT count(*) AS n FROM t')?.n).toBe(1)
  })

  it('rolls back and restores FULL when the transaction throws', () => {
    expect(() =>
      sql.relaxed(() => {
        sql.run('INSERT INTO t VALUES (2)')
        throw new Error('no')
      }),
    ).toThrow('no')
    expect(synchronous()).toBe(FULL)
    expect(sql.get('SELECT count(*) AS n FROM t WHERE v = 2')?.n).toBe(0)
  })
})
