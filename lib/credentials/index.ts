export * from './credentials';
export * from './external';
export * from './presets';
export * from './secret-generator';
export * from './shapes';
export * from './source';
export * from './types';
export * from './wait';
