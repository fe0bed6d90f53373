import type { UserRole } from '@salesboard/shared';
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import { useSessionStore } from '@/stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a signed-in person: others go to /login and come back. */
    requiresAuth?: boolean;
    /** A full-screen page without the app header (the wallboard). */
    bare?: boolean;
    /** Only these roles may open the page (the admin area); others are sent to where they may go. */
    roles?: readonly UserRole[];
  }
}

const MANAGERS = ['admin', 'manager'] as const;
const ADMINS = ['admin'] as const;

// Every page is its own chunk, so a TV loads the wallboard and nothing of the dashboard.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'dashboard', component: () => import('@/views/DashboardView.vue') },
  { path: '/tv', name: 'wallboard', component: () => import('@/views/WallboardView.vue'), meta: { bare: true } },
  { path: '/me', name: 'rep', component: () => import('@/views/RepView.vue') },
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue') },
  {
    // The admin area: a layout with the section nav; /admin itself is the displays list, the one
    // section admins and managers share (and where "All paired TVs" after a pairing leads).
    path: '/admin',
    component: () => import('@/views/AdminView.vue'),
    meta: { requiresAuth: true, roles: MANAGERS },
    children: [
      { path: '', name: 'admin', component: () => import('@/views/admin/DisplaysView.vue') },
      { path: 'pair', name: 'pair', component: () => import('@/views/PairDisplayView.vue') },
      { path: 'territories', name: 'admin-territories', component: () => import('@/views/admin/TerritoriesView.vue') },
      { path: 'users', name: 'admin-users', component: () => import('@/views/admin/UsersView.vue'), meta: { roles: ADMINS } },
      { path: 'teams', name: 'admin-teams', component: () => import('@/views/admin/TeamsView.vue'), meta: { roles: ADMINS } },
      { path: 'stages', name: 'admin-stages', component: () => import('@/views/admin/StagesView.vue'), meta: { roles: ADMINS } },
      { path: 'boards', name: 'admin-boards', component: () => import('@/views/admin/BoardsView.vue'), meta: { roles: ADMINS } },
      { path: 'keys', name: 'admin-keys', component: () => import('@/views/admin/ApiKeysView.vue'), meta: { roles: ADMINS } },
      { path: 'rates', name: 'admin-rates', component: () => import('@/views/admin/ExchangeRatesView.vue'), meta: { roles: ADMINS } },
      { path: 'audit', name: 'admin-audit', component: () => import('@/views/admin/AuditView.vue'), meta: { roles: ADMINS } },
      { path: 'import', name: 'admin-import', component: () => import('@/views/admin/ImportView.vue'), meta: { roles: ADMINS } },
    ],
  },
  { path: '/:unknown(.*)*', redirect: '/' },
];

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    if (to.meta.requiresAuth && !session.loggedIn) return { name: 'login', query: { redirect: to.fullPath } };
    // Child routes' meta is merged over the parent's, so the innermost `roles` decides.
    const roles = to.meta.roles;
    if (roles) {
      const me = session.me ?? (await session.loadMe().catch(() => null));
      if (!me) return { name: 'login', query: { redirect: to.fullPath } };
      if (!(roles as readonly string[]).includes(me.role)) return me.role === 'manager' ? { name: 'admin' } : { name: 'dashboard' };
    }
    return true;
  });
  return router;
}
