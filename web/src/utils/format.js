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
