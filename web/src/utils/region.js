import { t, te } from '@/locales'

/** Chinese name of a region level code (province, city, county, town, village, group). */
export function levelName(level) {
  return te(`common.levels.${level}`) ? t(`common.levels.${level}`) : level || ''
}
