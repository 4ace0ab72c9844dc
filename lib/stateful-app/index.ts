export * from './props';
export * from './stateful-app';
export * from './update-strategy';
