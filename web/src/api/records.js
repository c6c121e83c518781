// /api/v1/datasets, /api/v1/records and /api/v1/imports: imported business records and loading files.
import { download, get, post, upload } from '@/utils/request'

/** GET /datasets → {items:[{name, chinese, county_wide, date_column, key, columns:[{name,type,required,aliases,values,references}]}]}. */
export function listDatasets(options) {
  return get('/datasets', undefined, options)
}

// The filters both the list and the export take: region, q (keyword; an ID number is matched whole),
// from/to (days on the dataset's date column), and equals {column: value} for enumeration columns.
function filterQuery({ region, q, from, to, equals = {} } = {}) {
  const query = { region, q, from, to }
  for (const [column, value] of Object.entries(equals)) {
    if (value) query[`f.${column}`] = value
  }
  return query
}

/** GET /records/{dataset} → {dataset, total, items:[{row_id, <column>: value}]}.
 *  Personal data comes masked; money in fen; date-times 'YYYY-MM-DD HH:MM:SS'. */
export function listRecords(dataset, { page = 1, pageSize = 20, ...filters } = {}, options) {
  return get(`/records/${encodeURIComponent(dataset)}`, { ...filterQuery(filters), page, page_size: pageSize }, options)
}

/** GET /records/{dataset}/export → { blob, fileName }: the filtered view as xlsx. */
export function exportRecords(dataset, filters, options) {
  return download(`/records/${encodeURIComponent(dataset)}/export`, filterQuery(filters), options)
}

/** POST /imports/preview: checks a file without writing → {token, dataset, dataset_chinese, detected, rows,
 *  inserted, updated, unchanged, rejected, warnings, errors:[{row,column,value,reason,reason_en}], columns, sample}. */
export function previewImport(file, dataset, options) {
  return upload('/imports/preview', file, { dataset: dataset || 'auto', file_name: file.name }, options)
}

/** POST /imports/{token}/commit → {import_id, rows, inserted, updated, unchanged, rejected, warnings, errors}. */
export function commitImport(token, strict, options) {
  return post(`/imports/${encodeURIComponent(token)}/commit`, { strict: !!strict }, { timeoutMs: 300000, ...options })
}

/** GET /imports → {total, items:[run]}: the caller's imports (reviewers: their subtree's). */
export function listImports({ page = 1, pageSize = 20 } = {}, options) {
  return get('/imports', { page, page_size: pageSize }, options)
}

/** GET /imports/{id}/errors → { blob, fileName }: the rejected rows as xlsx. */
export function importErrorReport(id, options) {
  return download(`/imports/${id}/errors`, undefined, options)
}
