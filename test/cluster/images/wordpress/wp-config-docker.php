<?php
/*
 * wp-config-docker.php of the WordPress stand-in image (test/cluster/images): written for the test
 * cluster, not the official image's file. It keeps its contract: every setting comes from a
 * WORDPRESS_* environment variable, or from the file named by WORDPRESS_*_FILE, else a default;
 * the key and salt defaults are the phrase docker-entrypoint.sh replaces with random values.
 */

if (!function_exists('getenv_docker')) {
	// The value of $name: the content of the file $name_FILE names, else $name, else $default.
	function getenv_docker($name, $default) {
		$file = getenv($name . '_FILE');
		if ($file) {
			return rtrim(file_get_contents($file), "\r\n");
		}
		$value = getenv($name);
		return $value === false ? $default : $value;
	}
}

$docker_settings = array(
	'DB_NAME'     => array('WORDPRESS_DB_NAME', 'wordpress'),
	'DB_USER'     => array('WORDPRESS_DB_USER', 'example username'),
	'DB_PASSWORD' => array('WORDPRESS_DB_PASSWORD', 'example password'),
	'DB_HOST'     => array('WORDPRESS_DB_HOST', 'mysql'),
	'DB_CHARSET'  => array('WORDPRESS_DB_CHARSET', 'utf8mb4'),
	'DB_COLLATE'  => array('WORDPRESS_DB_COLLATE', ''),
);
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
		'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT') as $secret) {
	$docker_settings[$secret] = array('WORDPRESS_' . $secret, 'put your unique phrase here');
}
foreach ($docker_settings as $constant => $from) {
	define($constant, getenv_docker($from[0], $from[1]));
}
unset($docker_settings, $constant, $from, $secret);

$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

define('WP_DEBUG', (bool) getenv_docker('WORDPRESS_DEBUG', ''));

// Behind a TLS-terminating proxy: trust X-Forwarded-Proto (as the official image does).
if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && strpos($_SERVER['HTTP_X_FORWARDED_PROTO'], 'https') !== false) {
	$_SERVER['HTTPS'] = 'on';
}

$docker_extra = getenv_docker('WORDPRESS_CONFIG_EXTRA', '');
if ($docker_extra !== '') {
	eval($docker_extra);
}
unset($docker_extra);

if (!defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}

require_once ABSPATH . 'wp-settings.php';
