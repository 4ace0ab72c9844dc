export * from './config-files';
export * from './engine';
export * from './mysql-replication';
export * from './props';
export * from './backup';
