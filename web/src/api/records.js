// /api/v1/datasets and /api/v1/records: imported business records.
import { get } from '@/utils/request'

/** GET /datasets → {items:[{name, chinese, county_wide, key, columns:[{name,type,required,aliases,values,references}]}]}. */
export function listDatasets(options) {
  return get('/datasets', undefined, options)
}

/** GET /records/{dataset}?region=&page=&page_size= → {dataset, total, items:[{row_id, <column>: value}]}.
 *  Personal data comes masked; money in fen; date-times 'YYYY-MM-DD HH:MM:SS'. */
export function listRecords(dataset, { region, page = 1, pageSize = 20 } = {}, options) {
  return get(`/records/${encodeURIComponent(dataset)}`, { region, page, page_size: pageSize }, options)
}
