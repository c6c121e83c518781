// Saving a downloaded Blob under a file name: the browser's own download, started from a temporary link.
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName || 'download'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

/** Waits for a download ({ blob, fileName } from request.download) and saves it; errors were shown by the client. */
export async function saveDownload(pending, fallbackName) {
  try {
    const { blob, fileName } = await pending
    saveBlob(blob, fileName || fallbackName)
    return true
  } catch {
    return false
  }
}
