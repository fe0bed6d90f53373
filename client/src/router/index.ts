import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import { useSessionStore } from '@/stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a signed-in person: others go to /login and come back. */
    requiresAuth?: boolean;
    /** A full-screen page without the app header (the wallboard). */
    bare?: boolean;
  }
}

// Every page is its own chunk, so a TV loads the wallboard and nothing of the dashboard.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'dashboard', component: () => import('@/views/DashboardView.vue') },
  { path: '/tv', name: 'wallboard', component: () => import('@/views/WallboardView.vue'), meta: { bare: true } },
  { path: '/me', name: 'rep', component: () => import('@/views/RepView.vue') },
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue') },
  { path: '/admin', name: 'admin', component: () => import('@/views/AdminView.vue'), meta: { requiresAuth: true } },
  { path: '/admin/pair', name: 'pair', component: () => import('@/views/PairDisplayView.vue'), meta: { requiresAuth: true } },
  { path: '/admin/import', name: 'admin-import', component: () => import('@/views/admin/ImportView.vue'), meta: { requiresAuth: true } },
  { path: '/:unknown(.*)*', redirect: '/' },
];

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes });
  router.beforeEach((to) => {
    if (to.meta.requiresAuth && !useSessionStore().loggedIn) return { name: 'login', query: { redirect: to.fullPath } };
    return true;
  });
  return router;
}
