import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/index.css'
import App from './App.vue'
import pinia from './store'
import router from './router'
import perm from './directive/perm'

const app = createApp(App)
app.use(pinia)
app.use(router)
app.use(perm)
app.mount('#app')
