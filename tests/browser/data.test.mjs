// Business records in the back office: a town inspector sees the imported
// records of the own town only, with ID numbers and phones masked, and the
// county-wide registries are not offered below county level.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemoServer, launchBrowser, screenshotter, login, DEMO_PASSWORD } from './support.mjs'

const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
const shot = screenshotter(`data-${backend}`)
// 江滨社区 (稠城街道, the demo inspector's town) and a village of 江东街道.
const OWN_VILLAGE = '330782001001'
const OTHER_VILLAGE = '330782002001'

let server
let browser

before(async () => {
  server = await startDemoServer({
    seed: [
      {
        dataset: 'persons',
        csv:
          'id_number,name,village_code,phone\n' +
          `11010519491231002X,张三,${OWN_VILLAGE},13812341234\n` +
          `110105198001011238,李四,${OTHER_VILLAGE},\n`,
      },
    ],
  })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a town inspector sees the own town’s records, masked', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  await login(page, server.url, 'town_jw', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  const records = page.waitForResponse((r) => r.url().includes('/api/v1/records/persons'))
  await page.getByTestId('menu-data').click()
  const response = await records
  assert.equal(response.status(), 200)
  const body = await response.text()
  assert.ok(!body.includes('11010519491231002X'), 'no plain ID number on the wire')
  const table = page.getByTestId('data-table')
  await table.locator('tbody tr').first().waitFor()
  assert.equal(await table.locator('tbody tr').count(), 1)
  const row = await table.locator('tbody tr').first().innerText()
  assert.match(row, /张三/)
  assert.match(row, /110105\*{8}002X/)
  assert.match(row, /138\*{4}1234/)
  assert.match(row, /江滨社区/)
  assert.doesNotMatch(await table.innerText(), /李四/)
  // Companies, vehicles and other county-wide registries are not offered.
  await page.getByTestId('data-dataset').click()
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  const options = await page.locator('.el-select-dropdown__item:visible').allInnerTexts()
  assert.ok(options.some((o) => o.includes('户籍人口')))
  assert.ok(!options.some((o) => o.includes('市场主体')), options.join(' / '))
  // Bank statements have no region column but are read through their account's.
  assert.ok(options.some((o) => o.includes('银行流水')), options.join(' / '))
  await page.keyboard.press('Escape')
  await shot(page, 'town-records')
  await context.close()
})

test('the county administrator sees both towns and the county-wide registries', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await login(page, server.url, 'admin', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.goto(`${server.url}/data`)
  const table = page.getByTestId('data-table')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=data-table] tbody tr').length === 2)
  assert.match(await table.innerText(), /李四/)
  await page.getByTestId('data-dataset').click()
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  const options = await page.locator('.el-select-dropdown__item:visible').allInnerTexts()
  assert.ok(options.some((o) => o.includes('市场主体')), options.join(' / '))
  await page.keyboard.press('Escape')
  await shot(page, 'county-records')
  await context.close()
})
