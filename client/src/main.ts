import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from '@/App.vue';
import { createAppI18n } from '@/i18n';
import { createAppRouter } from '@/router';
import { useSessionStore } from '@/stores/session';
import '@/styles/base.css';
import '@/styles/forms.css';

const pinia = createPinia();
const app = createApp(App).use(pinia);
// The session registers the bearer for every API call before the first page loads anything.
const session = useSessionStore(pinia);
if (session.accessToken) void session.loadMe().catch(() => undefined);
app.use(createAppRouter()).use(createAppI18n()).mount('#app');
