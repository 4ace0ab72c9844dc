/**
 * The Kubernetes API server's rules, as pure functions, in one place: the constructs' checks
 * (`lib/common/checks.ts`) and the validator (`lib/validation`) both use them. Each returns
 * `undefined` when the value is valid, else the rule it breaks, in words. Internal: not exported
 * from the package root.
 */
export * from './names';
export * from './quantity';
export * from './paths';
export * from './image';
export * from './credentials';
export * from './network';
