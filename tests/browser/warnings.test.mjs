// The warning workspace: a town discipline inspector finds a red warning in
// the queue (a subsidy paid after the recipient's death, found by rule S01
// over seeded records), opens it, sees the evidence, the threshold used and
// the masked records, marks it a false positive with a reason, and sees the
// rule's precision change; the queue then counts it as closed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemoServer, launchBrowser, screenshotter, login, DEMO_PASSWORD } from './support.mjs'

const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
const shot = screenshotter(`warnings-${backend}`)
// 江滨社区, in 稠城街道: the demo inspector's town.
const OWN_VILLAGE = '330782001001'
const DEAD = '11010519491231002X'

let server
let browser

before(async () => {
  server = await startDemoServer({
    rules: true,
    seed: [
      { dataset: 'deaths', csv: `id_number,death_date\n${DEAD},2025-01-10\n` },
      {
        dataset: 'subsidies',
        csv:
          'id,program_code,program_name,department,recipient_id_number,village_code,amount,paid_at\n' +
          `SB-T1,DIBAO,低保金,民政局,${DEAD},${OWN_VILLAGE},680,2025-02-10 10:00\n`,
      },
    ],
  })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the village secretary sees the red warning but only the town discipline commission handles it', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  await login(page, server.url, 'v_secretary', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.getByTestId('menu-warnings').click()
  const table = page.getByTestId('warnings-table')
  await table.locator('tbody tr').first().waitFor()
  await table.locator('tbody tr').first().click()
  await page.getByTestId('detail-actions').waitFor()
  // Red warnings go straight to the town discipline commission: the village sees it, with no form.
  await page.getByTestId('detail-readonly').waitFor()
  assert.equal(await page.getByTestId('close-submit').count(), 0)
  assert.equal(await page.getByTestId('accept-submit').count(), 0)
  // The death register is county-wide: withheld from a village role, said so.
  assert.match(await page.getByTestId('detail-records').innerText(), /无权查看/)
  await shot(page, 'village-view')
  await context.close()
})

test('an inspector opens a red warning, sees its evidence, marks it false positive and the precision changes', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  await login(page, server.url, 'town_jw', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)

  await page.getByTestId('menu-warnings').click()
  const table = page.getByTestId('warnings-table')
  await table.locator('tbody tr').first().waitFor()
  assert.equal(await table.locator('tbody tr').count(), 1)
  const row = await table.locator('tbody tr').first().innerText()
  assert.match(row, /S01/)
  assert.match(row, /补贴对象死亡后仍在发放/)
  assert.match(row, /江滨社区/)
  assert.ok(!row.includes(DEAD), 'the ID number is masked in the queue')
  assert.match(await page.getByTestId('summary-new').innerText(), /待处置\s*[\s\S]*1/)
  assert.match(await page.getByTestId('category-subsidies').innerText(), /惠民惠农补贴\s*1\s*0\s*0/)
  await shot(page, 'queue')

  // The warning page: evidence, threshold, masked record, no verdict yet.
  await table.locator('tbody tr').first().click()
  await page.getByTestId('detail-explanation').waitFor()
  assert.match(await page.getByTestId('detail-severity').innerText(), /红色预警/)
  assert.match(await page.getByTestId('detail-status').innerText(), /待处置/)
  const evidence = await page.getByTestId('detail-evidence').innerText()
  assert.match(evidence, /死亡日期\s*2025-01-10/)
  assert.match(evidence, /680\.00元/)
  assert.match(await page.getByTestId('detail-params').innerText(), /死亡后宽限天数\s*0天\s*默认值/)
  const records = await page.getByTestId('detail-records').innerText()
  assert.match(records, /SB-T1/)
  assert.match(records, /110105\*{8}002X/)
  assert.ok(!(await page.content()).includes(DEAD), 'no whole ID number in the page')
  assert.match(await page.getByTestId('rule-precision').innerText(), /尚无已判定的预警/)
  await shot(page, 'detail')

  // A false positive needs a reason: the form says so and nothing is sent.
  await page.getByTestId('verdict-false_positive').click()
  await page.getByTestId('close-submit').click()
  await page.locator('.el-message--warning', { hasText: '请填写说明' }).waitFor()
  assert.match(await page.getByTestId('detail-status').innerText(), /待处置/)

  await page.locator('textarea[data-testid=close-reason], [data-testid=close-reason] textarea').fill('民政局复核：死亡登记日期录入错误，实为2025-03-10')
  const closed = page.waitForResponse((r) => r.url().includes('/close') && r.request().method() === 'POST')
  await page.getByTestId('close-submit').click()
  assert.equal((await closed).status(), 200)
  await page.getByTestId('detail-verdict').waitFor()
  assert.match(await page.getByTestId('detail-status').innerText(), /已办结/)
  assert.match(await page.getByTestId('detail-verdict').innerText(), /误报/)
  assert.match(await page.getByTestId('rule-precision-value').innerText(), /^0%$/)
  assert.match(await page.getByTestId('rule-precision').innerText(), /误报1件/)
  const timeline = await page.getByTestId('detail-timeline').innerText()
  assert.match(timeline, /系统生成预警/)
  assert.match(timeline, /办结/)
  assert.match(timeline, /民政局复核/)
  await shot(page, 'closed')

  // Back in the queue it counts as closed (green).
  await page.getByTestId('detail-back').click()
  await table.locator('tbody tr').first().waitFor()
  assert.match(await page.getByTestId('summary-closed').innerText(), /已办结\s*[\s\S]*1/)
  assert.match(await page.getByTestId('category-subsidies').innerText(), /惠民惠农补贴\s*0\s*0\s*1/)
  await context.close()
})
