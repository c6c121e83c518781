import { t } from '@/locales'

/** Shows "—" for empty values. */
export function orDash(v) {
  return v === null || v === undefined || v === '' ? t('common.dash') : v
}

/** "镇纪委 · 佛堂镇" */
export function roleLabel(r) {
  return [r.role_name || r.role, r.region_name || r.region_code].filter(Boolean).join(' · ')
}

/** "2026-11-23 19:35:02" → "2026-11-23 19:35": tables show minutes, the title attribute keeps the seconds. */
export function toMinute(v) {
  return typeof v === 'string' && v.length > 16 ? v.slice(0, 16) : v
}

/** Integer fen → "1,234.50" yuan. */
export function yuan(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`
}

/** 1536 → "1.5 KB", for file sizes. */
export function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
