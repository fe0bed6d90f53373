export * from './domain.js';
export * from './money.js';
export * from './schemas.js';
export * from './events.js';
export * from './api.js';
export * from './kpi/index.js';
