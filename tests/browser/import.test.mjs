// Loading a file through the back office: a village bookkeeper uploads an
// .xlsx with two bad rows (a wrong ID checksum, a row for another town's
// village), sees both in the preview before anything is written, commits,
// downloads the error report, and finds the good rows in the list with
// their ID numbers masked; then searches by a whole ID number and exports
// the view.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDemoServer, launchBrowser, screenshotter, login, DEMO_PASSWORD, idNumber, readZipEntry } from './support.mjs'

const backend = process.env.MINGJING_TEST_BACKEND || 'sqlite'
const shot = screenshotter(`import-${backend}`)
// The demo bookkeeper's village (稠城街道 江滨社区) and a village of 江东街道.
const OWN_VILLAGE = '330782001001'
const OTHER_TOWN_VILLAGE = '330782002001'

const good = ['33078219800101123', '33078219850505223', '33078219900909323', '33078219951111423'].map(idNumber)
const wrongChecksum = (() => {
  const id = idNumber('33078219700303523')
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1')
})()
const outsider = idNumber('33078219750707623')

let server
let browser
let work

before(async () => {
  server = await startDemoServer()
  browser = await launchBrowser()
  work = mkdtempSync(join(tmpdir(), 'mingjing-import-'))
})

after(async () => {
  await browser?.close()
  await server?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

test('upload an xlsx with two bad rows: preview, commit, error report, masked list', async () => {
  // Chinese headers, as a clerk's spreadsheet has them.
  const csv =
    '身份证号,姓名,村代码,联系电话,住址\n' +
    `${good[0]},陈建国,${OWN_VILLAGE},13905791234,稠城街道江滨路1号\n` +
    `${wrongChecksum},王秀英,${OWN_VILLAGE},,稠城街道江滨路2号\n` +
    `${good[1]},刘志强,${OWN_VILLAGE},,稠城街道江滨路3号\n` +
    `${outsider},赵丽,${OTHER_TOWN_VILLAGE},,江东街道\n` +
    `${good[2]},杨伟,${OWN_VILLAGE},,稠城街道江滨路5号\n` +
    `${good[3]},黄美华,${OWN_VILLAGE},13605798888,稠城街道江滨路6号\n`
  const csvPath = join(work, 'persons.csv')
  const xlsxPath = join(work, '江滨社区户籍.xlsx')
  writeFileSync(csvPath, csv)
  execFileSync(process.env.MINGJING_XLSX_FROM_CSV, [csvPath, xlsxPath])

  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', acceptDownloads: true })
  const page = await context.newPage()
  page.on('pageerror', (e) => assert.fail(`uncaught error in the page: ${e.message}`))
  await login(page, server.url, 'v_bookkeeper', DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.getByTestId('menu-data').click()
  await page.getByTestId('data-table').waitFor()

  await page.getByTestId('data-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.waitFor()
  await page.getByTestId('import-upload').locator('input[type=file]').setInputFiles(xlsxPath)
  await page.getByTestId('import-file').waitFor()
  await shot(page, 'chosen')
  const previewCall = page.waitForResponse((r) => r.url().includes('/api/v1/imports/preview'))
  await page.getByTestId('import-check').click()
  assert.equal((await previewCall).status(), 200)

  const preview = page.getByTestId('import-preview')
  await preview.waitFor()
  assert.equal(await page.getByTestId('preview-inserted').innerText(), '4')
  assert.equal(await page.getByTestId('preview-rejected').innerText(), '2')
  const errors = await page.getByTestId('preview-errors').innerText()
  assert.match(errors, /身份证号/)
  assert.match(errors, /校验位/)
  assert.match(errors, /不在您的管辖区域内/)
  assert.match(errors, /\b3\b/) // file rows 3 and 5
  assert.match(errors, /\b5\b/)
  const sample = await page.getByTestId('preview-sample').innerText()
  assert.match(sample, /陈建国/)
  assert.ok(!sample.includes(good[0]), 'the preview masks ID numbers')
  await shot(page, 'preview')

  // Nothing is written before the commit.
  const before = await page.evaluate(async () => (await (await fetch('/api/v1/records/persons')).json()).total)
  assert.equal(before, 0)

  const commitCall = page.waitForResponse((r) => r.url().includes('/commit'))
  await page.getByTestId('import-commit').click()
  assert.equal((await commitCall).status(), 200)
  await page.getByTestId('import-result').waitFor()
  assert.match(await page.getByTestId('import-result-counts').innerText(), /新增 4 行.*错误 2 行/)
  await shot(page, 'result')

  const downloading = page.waitForEvent('download')
  await page.getByTestId('import-download-report').click()
  const download = await downloading
  assert.match(download.suggestedFilename(), /错误报告.*\.xlsx$/)
  const reportPath = join(work, 'report.xlsx')
  await download.saveAs(reportPath)
  const report = readFileSync(reportPath)
  assert.equal(report.subarray(0, 2).toString(), 'PK')
  const strings = readZipEntry(report, 'xl/worksheets/sheet1.xml').toString('utf8')
  assert.ok(strings.includes('校验位'), 'the report gives the reason for the wrong checksum')
  assert.ok(!strings.includes(wrongChecksum), 'personal values are masked even in the report')
  assert.ok(strings.includes('不在您的管辖区域内'))
  assert.ok(strings.includes('outside your region'))
  assert.ok(!strings.includes(good[0]), 'good rows are not in the error report')

  await page.getByTestId('import-close').click()
  const table = page.getByTestId('data-table')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=data-table] tbody tr').length === 4)
  const text = await table.innerText()
  for (const name of ['陈建国', '刘志强', '杨伟', '黄美华']) assert.match(text, new RegExp(name))
  assert.doesNotMatch(text, /王秀英|赵丽/)
  assert.match(text, /330782\*{8}\d{3}[\dX]/)
  for (const id of good) assert.ok(!text.includes(id), 'ID numbers are masked in the list')
  assert.match(text, /139\*{4}1234/)
  await shot(page, 'list')

  // A whole ID number finds its person (blind index); part of one does not.
  await page.getByTestId('data-keyword').fill(good[3])
  await page.getByTestId('data-search').click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=data-table] tbody tr').length === 1)
  assert.match(await table.innerText(), /黄美华/)
  await shot(page, 'search')

  // The export is the filtered view: one row, masked.
  const exporting = page.waitForEvent('download')
  await page.getByTestId('data-export').click()
  const exported = await exporting
  const exportPath = join(work, 'export.xlsx')
  await exported.saveAs(exportPath)
  const sheet = readZipEntry(readFileSync(exportPath), 'xl/worksheets/sheet1.xml').toString('utf8')
  assert.ok(sheet.includes('黄美华'))
  assert.ok(!sheet.includes('陈建国'), 'only the filtered rows are exported')
  assert.ok(!sheet.includes(good[3]), 'the export masks ID numbers')

  // The run is in the import history.
  await page.getByTestId('data-history').click()
  const history = page.getByTestId('import-history')
  await history.locator('tbody tr').first().waitFor()
  assert.match(await history.innerText(), /江滨社区户籍\.xlsx/)
  await shot(page, 'history')
  await context.close()
})
