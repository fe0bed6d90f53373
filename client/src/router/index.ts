import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import AdminView from '@/views/AdminView.vue';
import DashboardView from '@/views/DashboardView.vue';
import RepView from '@/views/RepView.vue';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'dashboard', component: DashboardView },
  // Its own chunk: ECharts is most of the weight, and only the wallboard draws a chart so far.
  { path: '/tv', name: 'wallboard', component: () => import('@/views/WallboardView.vue') },
  { path: '/me', name: 'rep', component: RepView },
  { path: '/admin', name: 'admin', component: AdminView },
  { path: '/:unknown(.*)*', redirect: '/' },
];

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  return createRouter({ history, routes });
}
