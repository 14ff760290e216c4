/** The service's domain shapes (zod schemas; `z.infer` gives the types). Re-exports only. */
export * from './ids.js';
export * from './text.js';
export * from './catalog.js';
export * from './creators.js';
export * from './shoppers.js';
export * from './clicks.js';
export * from './feedback.js';
export * from './categories.js';
export * from './regions.js';
