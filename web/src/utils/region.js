import { t, te } from '@/locales'

/** Chinese name of a region level code (province, city, county, town, village, group). */
export function levelName(level) {
  return te(`common.levels.${level}`) ? t(`common.levels.${level}`) : level || ''
}

export const LEVELS = ['province', 'city', 'county', 'town', 'village', 'group']

/** True when `level` lies below `above` in the tree (a village below a town). */
export function isBelow(level, above) {
  return LEVELS.indexOf(level) > LEVELS.indexOf(above)
}
