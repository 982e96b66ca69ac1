<?php
/**
 * Installs a fresh site into an empty database and makes its people, with no
 * browser and no wp-cli: run by tests/wordpress/start as
 * `php install.php SITE_DIR URL`. Prints one JSON object: the users with their
 * Application Passwords, and the administrator's login password.
 *
 * Roles, and why:
 * - editor (WordPress's "editor"): writes, edits everyone's posts, publishes
 *   and deletes; the desk's editor pushes and publishes posts.
 * - validator1, validator2 ("valise_validator", made here): read and edit
 *   every post (they sync the whole library and may fix a translation) and may
 *   post audit entries and records (edit_posts), but may not publish: a post
 *   goes public through the editor only, and through the preflight. They keep
 *   unfiltered_html like the editor so that a title or body they push arrives
 *   byte for byte (kses would change "&" and the signed hash with it).
 */

if (PHP_SAPI !== 'cli' || $argc < 3) {
    fwrite(STDERR, "usage: php install.php SITE_DIR URL\n");
    exit(2);
}
[, $site, $url] = $argv;

define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$admin_password = wp_generate_password(24, false);
$installed = wp_install('Valise test site', 'admin', 'admin@valise.invalid', false, '', $admin_password, 'en_US');
if (empty($installed['user_id'])) {
    fwrite(STDERR, "wp_install did not create the administrator\n");
    exit(1);
}
update_option('permalink_structure', '/%year%/%monthnum%/%postname%/');

add_role('valise_validator', 'Valise validator', [
    'read' => true,
    'edit_posts' => true,
    'edit_others_posts' => true,
    'edit_published_posts' => true,
    'edit_private_posts' => true,
    'read_private_posts' => true,
    'delete_posts' => true,
    'upload_files' => true,
    'unfiltered_html' => true,
]);

$people = [
    ['login' => 'editor', 'role' => 'editor'],
    ['login' => 'validator1', 'role' => 'valise_validator'],
    ['login' => 'validator2', 'role' => 'valise_validator'],
];
$users = [];
foreach ($people as $p) {
    $id = wp_insert_user([
        'user_login' => $p['login'],
        'user_pass' => wp_generate_password(24, false),
        'user_email' => $p['login'] . '@valise.invalid',
        'display_name' => ucfirst($p['login']),
        'role' => $p['role'],
    ]);
    if (is_wp_error($id)) {
        fwrite(STDERR, "cannot create {$p['login']}: " . $id->get_error_message() . "\n");
        exit(1);
    }
    $made = WP_Application_Passwords::create_new_application_password($id, ['name' => 'valise']);
    if (is_wp_error($made)) {
        fwrite(STDERR, "cannot make an Application Password for {$p['login']}: " . $made->get_error_message() . "\n");
        exit(1);
    }
    $users[] = ['login' => $p['login'], 'password' => $made[0], 'role' => $p['role']];
}

// The plugin makes its tables on the first request after an install; made
// here, the first test request does not pay for it.
wp_installing(false);
if (function_exists('valise_ensure_schema')) {
    valise_ensure_schema();
}

echo json_encode(['users' => $users, 'admin' => ['login' => 'admin', 'password' => $admin_password]]), "\n";
