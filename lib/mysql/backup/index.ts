export * from './checks';
export * from './mysql-backups';
export * from './props';
