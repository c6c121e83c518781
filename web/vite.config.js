import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, URL } from 'node:url'

const require = createRequire(import.meta.url)
const elementPlusRoot = dirname(require.resolve('element-plus/package.json'))

/**
 * Element Plus on demand, without extra dependencies. Components are imported by name where they are used
 * (`import { ElTable, ElTableColumn, vLoading } from 'element-plus'`), so their code is split with the views
 * that use them. This plugin adds each named component's stylesheet next to that import
 * (`element-plus/es/components/table/style/css`), so a page also loads only the CSS it uses.
 */
function elementPlusStyles() {
  const importRe = /import\s*\{([^}]*)\}\s*from\s*['"]element-plus['"]/g
  const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
  return {
    name: 'mingjing:element-plus-styles',
    enforce: 'post',
    transform(code, id) {
      if (id.includes('node_modules') || !/\.(vue|js)$/.test(id.split('?')[0]) || id.includes('?vue&type=style')) return null
      const styles = new Set()
      for (const m of code.matchAll(importRe)) {
        for (const part of m[1].split(',')) {
          const name = part.trim().split(/\s+as\s+/)[0]
          const base = /^El[A-Z]/.test(name) ? name.slice(2) : /^v[A-Z]/.test(name) ? name.slice(1) : ''
          if (!base) continue
          const dir = kebab(base)
          if (existsSync(join(elementPlusRoot, 'es/components', dir, 'style/css.mjs'))) styles.add(dir)
        }
      }
      if (styles.size === 0) return null
      const imports = [...styles].map((d) => `import 'element-plus/es/components/${d}/style/css';`).join('\n')
      return { code: `${imports}\n${code}`, map: null }
    },
  }
}

// The C++ server serves dist/ at "/" and the JSON API under /api/v1. The dev and preview servers pass /api
// on to it (MINGJING_API overrides the address, e.g. to point at a test server on another port).
const apiTarget = process.env.MINGJING_API || 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue(), elementPlusStyles()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: apiTarget },
    },
  },
  build: {
    outDir: 'dist',
    target: 'es2020',
    rollupOptions: {
      output: {
        // Vue, the router and pinia change rarely: keep them in one cacheable chunk.
        // Element Plus is imported per component and split with the views that use it.
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/.test(id)) return 'vendor-vue'
        },
        // Shared Element Plus chunks would otherwise be named after a file like "css" or "index".
        chunkFileNames(chunk) {
          if (/^(css|index)$/.test(chunk.name)) {
            const ep = chunk.moduleIds.map((m) => /element-plus[\\/]es[\\/]components[\\/]([^\\/]+)/.exec(m)).find(Boolean)
            if (ep) return `assets/ep-${ep[1]}-[hash].js`
          }
          return 'assets/[name]-[hash].js'
        },
      },
    },
  },
})
