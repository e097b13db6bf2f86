import { createApp } from 'vue'
import '../shared/base.css'
import './widget.css'
import WidgetApp from './WidgetApp.vue'

createApp(WidgetApp).mount('#app')
