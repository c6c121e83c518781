// Lazy loading of the region tree for el-tree / el-tree-select (`lazy :load="loader.load"`).
// Level 0 asks GET /regions/tree (the active role's scope root and its children); expanding a node asks
// GET /regions/tree?root=<code>&depth=1 and takes the root's children. Children that arrived with a
// parent are kept and used instead of a second request.
import { getRegionTree } from '@/api/regions'

export const LEVEL_ORDER = ['province', 'city', 'county', 'town', 'village', 'group']

/**
 * createRegionLoader({ stopAt, onRoots, onError })
 * stopAt: a level code; nodes at that level are shown as leaves (nothing below is loaded).
 * onRoots(roots): called after the first level is loaded. onError(error, node): after a failed load.
 */
export function createRegionLoader({ stopAt = '', onRoots, onError } = {}) {
  const preloaded = new Map()

  function toNode(n) {
    if (Array.isArray(n.children) && n.children.length > 0) preloaded.set(n.code, n.children)
    const atStop = !!stopAt && n.level === stopAt
    return { code: n.code, name: n.name, level: n.level, leaf: atStop || !n.has_children }
  }

  async function load(node, resolve) {
    try {
      if (node.level === 0) {
        const res = await getRegionTree({ depth: 1 }, { silent: true })
        const roots = (res.nodes || []).map(toNode)
        if (onRoots) onRoots(roots)
        resolve(roots)
        return
      }
      const code = node.data.code
      if (preloaded.has(code)) {
        const kids = preloaded.get(code)
        preloaded.delete(code)
        resolve(kids.map(toNode))
        return
      }
      const res = await getRegionTree({ root: code, depth: 1 }, { silent: true })
      const root = (res.nodes || [])[0]
      resolve(((root && root.children) || []).map(toNode))
    } catch (e) {
      resolve([])
      if (node.level > 0) {
        node.loaded = false // expanding again retries
        node.expanded = false
      }
      if (onError) onError(e, node)
    }
  }

  return { load, reset: () => preloaded.clear() }
}
