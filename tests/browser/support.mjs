// Shared set-up for the browser tests: a real `mingjing` server with the demo
// county on a free loopback port, and Debian's Chromium driven by
// playwright-core (installed in web/node_modules by scripts/setup.sh).
//
// Environment (set by tests/CMakeLists.txt):
//   MINGJING_BIN           the mingjing binary
//   MINGJING_STATIC        the built front end (web/dist)
//   MINGJING_ARTIFACTS     folder for screenshots (kept after the run)
//   MINGJING_TEST_BACKEND  sqlite (default) or postgresql
//   MINGJING_TEST_PG_URL   admin URL of a throw-away PostgreSQL cluster
//   MINGJING_XLSX_FROM_CSV tests/cli/xlsx_from_csv (writes .xlsx files as Excel does)
import { inflateRawSync } from 'node:zlib'
import { spawn, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(repo, 'web/package.json'))
const { chromium } = require('playwright-core')

export const DEMO_PASSWORD = 'Mingjing@2026'

function env(name, fallback) {
  const v = process.env[name] || fallback
  if (!v) throw new Error(`${name} is not set`)
  return v
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

async function waitHealthy(url, child, log) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`)
    try {
      const r = await fetch(`${url}/healthz`)
      if (r.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server did not become healthy:\n${log()}`)
}

/** Creates the demo county in a fresh database, imports `seed` ([{dataset, csv}]) and serves it.
 *  The county's generated records are left out unless `records` is true, so tests can count
 *  exactly what they seed. With `rules`, `mingjing rules run` stores the warnings of the seeded
 *  records before the server starts. Returns {url, stop}. */
export async function startDemoServer({ seed = [], records = false, rules = false } = {}) {
  const bin = env('MINGJING_BIN')
  const staticDir = env('MINGJING_STATIC', join(repo, 'web/dist'))
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`no built front end in ${staticDir}`)
  const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
  const work = mkdtempSync(join(tmpdir(), 'mingjing-browser-'))
  let db
  let dropDb = () => {}
  if (backend === 'postgresql') {
    const admin = env('MINGJING_TEST_PG_URL')
    const name = `browser_${process.pid}_${Date.now() % 100000}`
    execFileSync('psql', ['-q', admin, '-c', `CREATE DATABASE ${name}`])
    db = `${admin.replace(/\/[^/]*$/, '')}/${name}`
    dropDb = () => execFileSync('psql', ['-q', admin, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`])
  } else {
    db = `sqlite:${join(work, 'demo.db')}`
  }
  const key = join(work, 'personal.key')
  const demoArgs = ['demo', '--db', db, '--key', key, ...(records ? [] : ['--no-records'])]
  execFileSync(bin, demoArgs, { stdio: ['ignore', 'ignore', 'pipe'] })
  for (const [i, { dataset, csv }] of seed.entries()) {
    const file = join(work, `seed-${i}.csv`)
    writeFileSync(file, csv)
    execFileSync(bin, ['import', dataset, file, '--db', db, '--key', key], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  }
  if (rules) {
    execFileSync(bin, ['rules', 'run', '--db', db, '--key', key], { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  const port = await freePort()
  let output = ''
  const child = spawn(bin, ['serve', '--db', db, '--bind', '127.0.0.1', '--port', String(port), '--static', staticDir, '--key', key], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  await waitHealthy(url, child, () => output)
  return {
    url,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      dropDb()
      rmSync(work, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  })
}

/** Saves a full-page screenshot as ARTIFACTS/<prefix>-<name>.png and returns the path. */
export function screenshotter(prefix) {
  const dir = process.env.MINGJING_ARTIFACTS || join(repo, 'build/artifacts/browser')
  mkdirSync(dir, { recursive: true })
  let n = 0
  return async (page, name) => {
    n += 1
    const path = join(dir, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`)
    // Let loading masks and Element Plus transitions finish, so the picture shows the settled page.
    await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {})
    await page.waitForTimeout(350)
    await page.screenshot({ path, fullPage: true })
    return path
  }
}

/** A valid 18-character resident ID number from its first 17 digits (GB 11643 check character). */
export function idNumber(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]
  return first17 + '10X98765432'[sum % 11]
}

/** The bytes of one file inside a zip archive (an .xlsx), read from the central directory. */
export function readZipEntry(buffer, name) {
  let end = buffer.length - 22
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--
  if (end < 0) throw new Error('not a zip archive')
  const entries = buffer.readUInt16LE(end + 10)
  let at = buffer.readUInt32LE(end + 16)
  for (let i = 0; i < entries; i++) {
    const method = buffer.readUInt16LE(at + 10)
    const compressed = buffer.readUInt32LE(at + 20)
    const nameLength = buffer.readUInt16LE(at + 28)
    const extra = buffer.readUInt16LE(at + 30)
    const comment = buffer.readUInt16LE(at + 32)
    const local = buffer.readUInt32LE(at + 42)
    const entryName = buffer.toString('utf8', at + 46, at + 46 + nameLength)
    if (entryName === name) {
      const dataAt = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28)
      const data = buffer.subarray(dataAt, dataAt + compressed)
      return method === 0 ? data : inflateRawSync(data)
    }
    at += 46 + nameLength + extra + comment
  }
  throw new Error(`${name} is not in the archive`)
}

/** Logs in through the login page. */
export async function login(page, url, username, password) {
  await page.goto(`${url}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}
