// Rule administration: the county discipline commission finds F01 (cash over the limit) in the catalogue, sets a
// town's own limit, saves a revised version as a draft, compares it with the version in force, backtests it over
// the stored payments (more hits with the lower limit, no warning written) and puts it in force. A town inspector
// reads the catalogue but is offered no editing.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemoServer, launchBrowser, screenshotter, login, DEMO_PASSWORD } from './support.mjs'

const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
const shot = screenshotter(`rules-${backend}`)
const VILLAGE = '330782001001'

let server
let browser

// Three cash payments in one village a month ago (inside the backtest's default year): 800 and 1,200 yuan, and
// 300 (never over any limit here).
const DAY = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10)
const payments =
  'id,village_code,category,payee_name,amount,method,applied_at\n' +
  `ZC-T1,${VILLAGE},办公用品,张三,800,cash,${DAY}\n` +
  `ZC-T2,${VILLAGE},办公用品,李四,1200,cash,${DAY}\n` +
  `ZC-T3,${VILLAGE},办公用品,王五,300,cash,${DAY}\n`

before(async () => {
  server = await startDemoServer({ seed: [{ dataset: 'payments', csv: payments }] })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  return { context, page }
}

test('the county commission overrides a threshold, drafts, compares, backtests and activates a version', async () => {
  const { context, page } = await newPage()
  await login(page, server.url, 'county_jw', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.getByTestId('menu-rules').click()
  const table = page.getByTestId('rules-table')
  await table.locator('tbody tr').first().waitFor()
  assert.ok((await table.locator('tbody tr').count()) >= 60, 'the whole pack is listed')
  await page.locator('input[data-testid=rules-keyword], [data-testid=rules-keyword] input').fill('F01')
  assert.equal(await table.locator('tbody tr').count(), 1)
  assert.match(await table.innerText(), /现金支付超过限额[\s\S]*超过1000元的支出一律转账支付/)
  await shot(page, 'catalogue')
  await page.getByTestId('rule-link-F01').click()
  await page.getByTestId('rule-title').waitFor()
  assert.match(await page.getByTestId('rule-status').innerText(), /启用/)

  // A town's own limit.
  await page.getByRole('tab', { name: '阈值与区域设置' }).click()
  await page.locator('input[data-testid=override-value], [data-testid=override-value] input').fill('900元')
  await page.getByTestId('override-param').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '现金支付限额' }).click()
  await page.getByTestId('override-region').click()
  const townNode = page.locator('.el-tree-select__popper .el-tree-node__content:visible', { hasText: '稠城街道' }).first()
  await townNode.waitFor()
  await townNode.click()
  assert.equal(await page.locator('input[data-testid=override-value], [data-testid=override-value] input').inputValue(), '900元')
  await page.getByTestId('override-save').click()
  await page.locator('.el-message--success').first().waitFor()
  const param = page.getByTestId('param-cash_limit')
  await param.locator('tbody tr').first().waitFor()
  assert.match(await param.innerText(), /稠城街道[\s\S]*900/)
  await shot(page, 'override')

  // A revised version: the county limit lowered to 500 yuan.
  await page.getByRole('tab', { name: '版本与状态' }).click()
  const yaml = page.locator('textarea[data-testid=draft-yaml], [data-testid=draft-yaml] textarea')
  const text = await yaml.inputValue()
  assert.match(text, /default: 1000/)
  await yaml.fill(text.replace('default: 1000', 'default: 500'))
  await page.locator('input[data-testid=draft-note], [data-testid=draft-note] input').fill('按县纪委要求将现金限额降为500元')
  await page.getByTestId('draft-save').click()
  await page.locator('.el-message--success', { hasText: '第2版草稿' }).waitFor()
  const versions = page.getByTestId('rule-versions')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rule-versions] tbody tr').length === 2)
  assert.match(await versions.innerText(), /草稿[\s\S]*按县纪委要求/)

  // The diff between the two versions.
  for (const row of await versions.locator('tbody tr').all()) await row.locator('.el-checkbox').click()
  const diff = page.getByTestId('rule-diff')
  await diff.waitFor()
  const diffText = await diff.innerText()
  assert.match(diffText, /- .*default: 1000/)
  assert.match(diffText, /\+ .*default: 500/)
  await shot(page, 'diff')

  // Backtest the draft: 800 and 1,200 exceed 500 (the town's 900 override still applies to 稠城街道: only 1,200),
  // and the version in force finds 1,200 only. Nothing is written.
  await page.getByRole('tab', { name: '回测' }).click()
  const result = page.waitForResponse((r) => r.url().includes('/backtest'))
  await page.getByTestId('backtest-run').click()
  assert.equal((await result).status(), 200)
  await page.getByTestId('backtest-result').waitFor()
  const figures = await page.getByTestId('backtest-result').innerText()
  assert.match(figures, /现行版本命中\s*1/)
  assert.match(await page.getByTestId('backtest-hits').innerText(), /^1$/)
  await shot(page, 'backtest')

  // Put version 2 in force.
  await page.getByRole('tab', { name: '版本与状态' }).click()
  const draftRow = versions.locator('tbody tr', { hasText: '草稿' })
  await draftRow.getByRole('button', { name: '变更状态' }).click()
  await page.getByTestId('status-to').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '启用' }).click()
  await page.locator('input[data-testid=status-reason], [data-testid=status-reason] input').fill('回测通过')
  await page.getByTestId('status-apply').click()
  await page.locator('.el-message--success', { hasText: '状态已变更' }).waitFor()
  await page.waitForFunction(() => /第2版/.test(document.body.innerText) && /现行/.test(document.body.innerText))
  assert.match(await page.locator('.mj-panel.head').innerText(), /第2版/)
  await shot(page, 'activated')
  await context.close()
})

test('a town inspector reads the catalogue without editing', async () => {
  const { context, page } = await newPage()
  await login(page, server.url, 'town_jw', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.goto(`${server.url}/rules/F01`)
  await page.getByTestId('rule-title').waitFor()
  assert.equal(await page.getByRole('tab', { name: '回测' }).count(), 0)
  await page.getByRole('tab', { name: '阈值与区域设置' }).click()
  assert.equal(await page.getByTestId('override-save').count(), 0)
  await page.getByRole('tab', { name: '版本与状态' }).click()
  assert.equal(await page.getByTestId('draft-save').count(), 0)
  await context.close()
})
