// A paged, filtered list backed by one API call: the state every list page keeps (filters, page,
// rows, total, loading) and the handlers its search form and el-pagination call.
// Only the latest request may fill the table: a slow answer to an older query is dropped.
import { reactive, ref } from 'vue'

/**
 * @param fetchPage (query) => Promise<{items, total}>; query holds the filters plus page and pageSize.
 * @param filters the filters' initial (and reset) values, e.g. { q: '', region: '' }.
 */
export function usePagedList(fetchPage, filters = {}) {
  const initial = { ...filters }
  const query = reactive({ ...filters, page: 1, pageSize: 20 })
  const rows = ref([])
  const total = ref(0)
  const loading = ref(false)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await fetchPage(query)
      if (mine !== seq) return
      rows.value = res.items || []
      total.value = res.total || 0
    } catch {
      // The request client has shown the error.
      if (mine === seq) rows.value = []
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function search() {
    query.page = 1
    load()
  }

  function resetSearch() {
    Object.assign(query, initial)
    search()
  }

  function onSizeChange(size) {
    query.pageSize = size
    query.page = 1
    load()
  }

  function onPageChange(page) {
    query.page = page
    load()
  }

  return { query, rows, total, loading, load, search, resetSearch, onSizeChange, onPageChange }
}
