// The foundation, end to end in a real browser: a county administrator
// creates a town account scoped to one town; that user logs in, must change
// the temporary password, sees their own town, and is refused another town's
// data by the server (HTTP 403) with the refusal shown on the page.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemoServer, launchBrowser, screenshotter, login, DEMO_PASSWORD } from './support.mjs'

const OWN_TOWN = { code: '330782001000', name: '稠城街道' }
const OTHER_TOWN = { code: '330782002000', name: '江东街道' }
const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
const shot = screenshotter(`foundation-${backend}`)

let server
let browser
const newUser = {
  username: `chc_jw_${Date.now() % 100000}`,
  displayName: '稠城纪检员',
  tempPassword: 'Temp#Pass2026',
  finalPassword: 'Mine#Secret2026',
}

before(async () => {
  server = await startDemoServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  return page
}

test('the login page refuses a wrong password with a Chinese message', async () => {
  const page = await newPage()
  await login(page, server.url, 'admin', 'not-the-password')
  const error = page.getByTestId('login-error')
  await error.waitFor()
  assert.match(await error.innerText(), /用户名或密码错误/)
  assert.equal(new URL(page.url()).pathname, '/login')
  await shot(page, 'login-refused')
  await page.context().close()
})

test('a county administrator creates a town account scoped to one town', async () => {
  const page = await newPage()
  await login(page, server.url, 'admin', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.getByTestId('header-scope').waitFor()
  assert.match(await page.getByTestId('header-scope').innerText(), /义乌市/)
  await shot(page, 'admin-dashboard')

  await page.getByTestId('menu-users').click()
  await page.waitForURL(/\/system\/users$/)
  await page.getByTestId('user-table').locator('tbody tr').first().waitFor()
  await shot(page, 'admin-users')

  await page.getByTestId('user-create').click()
  const dialog = page.getByTestId('user-form-dialog')
  await dialog.waitFor()
  await page.getByTestId('user-form-username').fill(newUser.username)
  await page.getByTestId('user-form-display-name').fill(newUser.displayName)
  await page.getByTestId('user-form-password').fill(newUser.tempPassword)

  // Role: 镇纪委 (town discipline inspector).
  await page.getByTestId('role-row-role').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '镇纪委' }).first().click()
  // Region: 稠城街道, picked from the lazy tree under 义乌市.
  await page.getByTestId('role-row-region').click()
  const townNode = page.locator('.el-tree-select__popper .el-tree-node__content:visible', { hasText: OWN_TOWN.name }).first()
  await townNode.waitFor()
  await townNode.click()
  await shot(page, 'admin-create-user')

  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST')
  await page.getByTestId('user-form-submit').click()
  const response = await created
  assert.equal(response.status(), 201, await response.text())
  const body = await response.json()
  assert.equal(body.username, newUser.username)
  assert.deepEqual(
    body.roles.map((r) => [r.role, r.region_code]),
    [['town_discipline', OWN_TOWN.code]],
  )
  await dialog.waitFor({ state: 'hidden' })
  const row = page.getByTestId('user-table').locator('tbody tr', { hasText: newUser.username })
  await row.waitFor()
  assert.match(await row.innerText(), new RegExp(OWN_TOWN.name))
  await shot(page, 'admin-user-created')

  // 17 accounts now: 10 on the first page, 7 on the second (the newest last).
  const table = page.getByTestId('user-table')
  const pager = page.locator('.mj-pagination')
  await pager.locator('.el-pagination__sizes').click()
  const resized = page.waitForResponse((r) => r.url().includes('/api/v1/users?') && r.url().includes('page_size=10'))
  await page.locator('.el-select-dropdown__item:visible', { hasText: '10' }).first().click()
  await resized
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-table] tbody tr').length === 10)
  const second = page.waitForResponse((r) => r.url().includes('/api/v1/users?') && r.url().includes('page=2'))
  await pager.locator('.el-pager li', { hasText: '2' }).click()
  await second
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-table] tbody tr').length === 7)
  assert.match(await pager.innerText(), /共 17 条/)
  assert.equal(await table.locator('tbody tr', { hasText: newUser.username }).count(), 1)

  // The creation is in the audit log.
  await page.getByTestId('menu-audit').click()
  await page.waitForURL(/\/system\/audit$/)
  const auditRow = page.getByTestId('audit-table').locator('tbody tr', { hasText: `user:${body.id}` }).first()
  await auditRow.waitFor()
  assert.match(await auditRow.innerText(), /admin[\s\S]*新增用户/)
  await page.getByTestId('audit-verify').click()
  const verdict = page.getByTestId('audit-verify-result')
  await verdict.waitFor()
  assert.match(await verdict.innerText(), /完整/)
  await shot(page, 'admin-audit')
  await page.context().close()
})

test('the new town user changes the temporary password, sees the own town and is refused another', async () => {
  const page = await newPage()
  await login(page, server.url, newUser.username, newUser.tempPassword)
  // A temporary password must be changed before anything else.
  await page.waitForURL(/\/password/)
  await page.getByTestId('password-must-change').waitFor()
  await shot(page, 'town-must-change-password')
  await page.getByTestId('password-old').fill(newUser.tempPassword)
  await page.getByTestId('password-new').fill(newUser.finalPassword)
  await page.getByTestId('password-confirm').fill(newUser.finalPassword)
  await page.getByTestId('password-submit').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/password') && !u.pathname.startsWith('/login'))
  assert.match(await page.getByTestId('header-scope').innerText(), new RegExp(OWN_TOWN.name))

  // The own town opens.
  await page.goto(`${server.url}/regions/${OWN_TOWN.code}`)
  await page.getByTestId('region-name').waitFor()
  assert.match(await page.getByTestId('region-name').innerText(), new RegExp(OWN_TOWN.name))
  assert.ok((await page.getByTestId('region-children').locator('tbody tr').count()) > 0)
  await shot(page, 'town-own-region')

  // Another town: the server answers 403 and the page says so.
  const refused = page.waitForResponse((r) => r.url().endsWith(`/api/v1/regions/${OTHER_TOWN.code}`))
  await page.goto(`${server.url}/regions/${OTHER_TOWN.code}`)
  const response = await refused
  assert.equal(response.status(), 403)
  assert.equal((await response.json()).error.message, '无权访问该区域的数据')
  const notice = page.getByTestId('region-forbidden')
  await notice.waitFor()
  assert.match(await notice.innerText(), /无权访问该区域的数据/)
  assert.equal(await page.getByTestId('region-name').count(), 0)
  await shot(page, 'town-other-region-refused')

  // A town inspector has no user administration: the menu hides it and the page is refused.
  assert.equal(await page.getByTestId('menu-users').count(), 0)
  await page.goto(`${server.url}/system/users`)
  await page.getByTestId('page-forbidden').waitFor()
  const api = await page.evaluate(async () => (await fetch('/api/v1/users')).status)
  assert.equal(api, 403)
  await page.context().close()
})

test('the changed password is the only one that works now', async () => {
  const page = await newPage()
  await login(page, server.url, newUser.username, newUser.tempPassword)
  await page.getByTestId('login-error').waitFor()
  await login(page, server.url, newUser.username, newUser.finalPassword)
  await page.waitForURL(`${server.url}/`)
  await page.context().close()
})
