<?php
/**
 * Plugin Name: Valise companion
 * Description: What Valise needs from WordPress and WordPress lacks: the Markdown source and translation group of each post, idempotent creates, optimistic concurrency (412 on a stale revision), a change feed with tombstones, sign-off records and an append-only audit trail, media uploads made once per checksum, and a publishing gate that runs the sign-off preflight on the server. A must-use plugin: copy this file and the valise/ folder into wp-content/mu-plugins/. The contract is in README.md beside it.
 * Version: 1
 * License: MIT
 */

defined('ABSPATH') || exit;

const VALISE_SCHEMA = '1';
const VALISE_NS = 'valise/v1';

require_once __DIR__ . '/valise/schema.php';
require_once __DIR__ . '/valise/content-hash.php';
require_once __DIR__ . '/valise/feed.php';
require_once __DIR__ . '/valise/posts.php';
require_once __DIR__ . '/valise/records.php';
require_once __DIR__ . '/valise/audit.php';
require_once __DIR__ . '/valise/preflight.php';
require_once __DIR__ . '/valise/rest-guard.php';
require_once __DIR__ . '/valise/media.php';
require_once __DIR__ . '/valise/admin-gate.php';

add_action('init', 'valise_ensure_schema', 1);
add_action('init', 'valise_register_meta');
add_action('rest_api_init', 'valise_register_routes');
add_filter('rest_authentication_errors', 'valise_wrong_password_is_401', 95);

/**
 * A wrong Application Password answers 401. WordPress 6.1 settles the user
 * once before it knows the request is a REST one (so Application Passwords are
 * not tried), then again only in its cookie check, after its own check of
 * Application Password errors has passed: the request goes on as anonymous,
 * and GET /wp/v2/posts answers the public posts as if the login were right.
 */
function valise_wrong_password_is_401($result)
{
    if (!empty($result) || !isset($_SERVER['PHP_AUTH_USER'])) {
        return $result;
    }
    is_user_logged_in(); // settles the user now, as an API request
    return rest_application_password_check_errors($result);
}

/** Every Valise route: the change feed, records and the audit trail. */
function valise_register_routes(): void
{
    valise_register_feed_routes();
    valise_register_record_routes();
    valise_register_audit_routes();
    valise_register_preflight_route();
}

/** The routes are for the desk's people: anyone who may edit posts. */
function valise_can_sync(): bool
{
    return current_user_can('edit_posts');
}

/** An error in WordPress's JSON error shape, with the HTTP status in data. */
function valise_error(string $code, string $message, int $status, array $data = []): WP_Error
{
    return new WP_Error($code, $message, array_merge(['status' => $status], $data));
}

/** Milliseconds since the Unix epoch, UTC. */
function valise_now_ms(): int
{
    return (int) floor(microtime(true) * 1000);
}
