// A line diff (longest common subsequence) for comparing two versions of a rule file. Rule files are short
// (under a few hundred lines), so the quadratic table is cheap.

/** Returns [{type: 'same'|'add'|'del', text, oldNo, newNo}] turning `before` into `after`. */
export function diffLines(before, after) {
  const a = before.split('\n')
  const b = after.split('\n')
  const n = a.length
  const m = b.length
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1])
    }
  }
  const out = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ type: 'same', text: a[i], oldNo: i + 1, newNo: j + 1 })
      i++
      j++
    } else if (table[i + 1][j] >= table[i][j + 1]) {
      out.push({ type: 'del', text: a[i], oldNo: i + 1, newNo: null })
      i++
    } else {
      out.push({ type: 'add', text: b[j], oldNo: null, newNo: j + 1 })
      j++
    }
  }
  while (i < n) out.push({ type: 'del', text: a[i], oldNo: ++i, newNo: null })
  while (j < m) out.push({ type: 'add', text: b[j], oldNo: null, newNo: ++j })
  return out
}
