<?php
/**
 * Gives the admin user that `wp core install` created the password of the operator's Secret, read
 * from the environment inside PHP: it never passes through a prompt, standard input or an argument
 * list, so nothing can echo it into the Job's log.
 *
 * Run with `wp eval-file` (WordPress loaded). It acts only while the user still has the random
 * password that WordPress generated at installation (user meta `default_password_nag`, which
 * WordPress removes when the user sets a password), so running the Job again never overwrites a
 * password changed since.
 *
 * Env: ADMIN_USER, WORDPRESS_ADMIN_PASSWORD (required).
 */

$login = (string) getenv('ADMIN_USER');
$password = (string) getenv('WORDPRESS_ADMIN_PASSWORD');
if ($login === '' || $password === '') {
    WP_CLI::error('set-admin-password: ADMIN_USER and WORDPRESS_ADMIN_PASSWORD are required');
}

$user = get_user_by('login', $login);
if (!$user) {
    WP_CLI::error("set-admin-password: there is no user '{$login}'");
}
if (!get_user_meta($user->ID, 'default_password_nag', true)) {
    WP_CLI::log("install: user {$login} has a password of its own already; leaving it");
    return;
}
wp_set_password($password, $user->ID);
delete_user_meta($user->ID, 'default_password_nag');
WP_CLI::log("install: password of user {$login} set from the Secret");
