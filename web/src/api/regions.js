// /api/v1/regions: the administrative tree, limited to the active role's scope.
import { get } from '@/utils/request'

/** GET /regions/tree?root=&depth= → {nodes:[{code,name,level,parent_code,has_children,children}]}.
 *  Without root it starts at the active role's scope root; depth 1 = the root and its children. */
export function getRegionTree({ root, depth } = {}, options) {
  return get('/regions/tree', { root, depth }, options)
}

/** GET /regions/{code} → {code,name,level,parent_code,path,children,counts}; 403 outside scope, 404 unknown. */
export function getRegion(code, options) {
  return get(`/regions/${encodeURIComponent(code)}`, undefined, options)
}
