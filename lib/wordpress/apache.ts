/** The port Apache listens on: not 80, because it runs as www-data (uid 33), which may not bind ports below 1024. */
export const WORDPRESS_HTTP_PORT = 8080;

/** Where the official image serves WordPress from. */
export const DOCUMENT_ROOT = '/var/www/html';

/**
 * The Apache files the stack mounts over the image's: `ports.conf` (Listen) and the default site,
 * identical to Debian's except for the port. Mounted file by file (subPath), read-only.
 */
export function apacheConfigFiles(port: number = WORDPRESS_HTTP_PORT): Record<string, string> {
  return {
    'ports.conf': [
      '# Written by WordPressStack: Apache runs as www-data, so it listens on an unprivileged port.',
      `Listen ${port}`,
      '',
    ].join('\n'),
    '000-default.conf': [
      '# Written by WordPressStack: the image\'s default site, on the unprivileged port.',
      `<VirtualHost *:${port}>`,
      `\tDocumentRoot ${DOCUMENT_ROOT}`,
      '\tErrorLog ${APACHE_LOG_DIR}/error.log',
      '\tCustomLog ${APACHE_LOG_DIR}/access.log combined',
      '</VirtualHost>',
      '',
    ].join('\n'),
  };
}

/** Where each Apache file is mounted in the WordPress container. */
export const APACHE_CONFIG_PATHS: Readonly<Record<string, string>> = {
  'ports.conf': '/etc/apache2/ports.conf',
  '000-default.conf': '/etc/apache2/sites-available/000-default.conf',
};
