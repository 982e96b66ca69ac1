<?php
/**
 * Media uploaded by Valise, once per checksum: `POST /wp/v2/media` with the
 * query parameter `valise_sha256` (the SHA-256 Valise knows the file by)
 * answers the attachment that already carries that checksum (200,
 * `X-Valise-Existing: 1`) and stores nothing, so a retry after a lost answer
 * never makes a second attachment. A new attachment keeps the checksum in its
 * `valise_sha256` meta. SVG is accepted for these uploads only: Valise
 * sanitised the file before it ever stored it (no script, handlers, external
 * references or foreignObject), and the published HTML shows it through
 * `<img>`, where a browser runs no script in any case.
 */

defined('ABSPATH') || exit;

add_filter('rest_pre_dispatch', 'valise_media_guard', 9, 3);
add_action('rest_after_insert_attachment', 'valise_media_remember', 10, 3);

/** Whether this request is a Valise upload (set by the guard, read by the file-type filters). */
$GLOBALS['valise_media_upload'] = false;

function valise_media_guard($result, $server, WP_REST_Request $request)
{
    if ($result !== null || $request->get_method() !== 'POST' || $request->get_route() !== '/wp/v2/media') {
        return $result;
    }
    $sha = $request->get_param('valise_sha256');
    if ($sha === null) {
        return null;
    }
    if (!is_string($sha) || !preg_match('/\A[0-9a-f]{64}\z/', $sha)) {
        return valise_error('valise_bad_checksum', 'valise_sha256 must be the file\'s SHA-256 as 64 lower-case hex digits.', 400);
    }
    if (!current_user_can('upload_files')) {
        return null; // WordPress answers its own 401/403.
    }
    if (!valise_lock('valise_m_' . $sha)) {
        return valise_error('valise_busy', 'Another request is uploading this file right now; retry in a moment.', 503);
    }
    $existing = valise_find_media($sha);
    if ($existing) {
        $get = new WP_REST_Request('GET', "/wp/v2/media/$existing");
        $get->set_param('context', 'edit');
        $response = rest_do_request($get);
        $response->set_status(200);
        $response->header('X-Valise-Existing', '1');
        return $response;
    }
    $GLOBALS['valise_media_upload'] = true;
    return null;
}

/** The attachment carrying checksum `$sha`, or 0. */
function valise_find_media(string $sha): int
{
    global $wpdb;
    return (int) $wpdb->get_var($wpdb->prepare(
        "SELECT p.ID FROM {$wpdb->posts} p JOIN {$wpdb->postmeta} m ON m.post_id = p.ID
         WHERE m.meta_key = 'valise_sha256' AND m.meta_value = %s AND p.post_type = 'attachment'
         ORDER BY p.ID LIMIT 1",
        $sha
    ));
}

function valise_media_remember($attachment, WP_REST_Request $request, bool $creating): void
{
    $sha = $request->get_param('valise_sha256');
    if ($creating && is_string($sha) && preg_match('/\A[0-9a-f]{64}\z/', $sha)) {
        update_post_meta($attachment->ID, 'valise_sha256', $sha);
    }
}

add_filter('upload_mimes', static function (array $mimes): array {
    if ($GLOBALS['valise_media_upload']) {
        $mimes['svg'] = 'image/svg+xml';
    }
    return $mimes;
});

// PHP's fileinfo may call an SVG without an XML declaration text/plain or
// text/xml; for a Valise upload named .svg, the extension decides.
add_filter('wp_check_filetype_and_ext', static function (array $data, $file, $filename): array {
    if ($GLOBALS['valise_media_upload'] && is_string($filename) && preg_match('/\.svg\z/i', $filename)) {
        $data['ext'] = 'svg';
        $data['type'] = 'image/svg+xml';
    }
    return $data;
}, 10, 3);

add_action('init', static function (): void {
    register_post_meta('attachment', 'valise_sha256', [
        'type' => 'string',
        'single' => true,
        'show_in_rest' => true,
        'default' => '',
        // Kept by the upload itself; REST may read it, never change it.
        'auth_callback' => '__return_false',
    ]);
});

// GET /wp/v2/media?valise_sha256=S: the attachments uploaded under that checksum.
add_filter('rest_attachment_query', static function (array $args, WP_REST_Request $request): array {
    $sha = $request->get_param('valise_sha256');
    if (is_string($sha) && $sha !== '') {
        $args['meta_query'][] = ['key' => 'valise_sha256', 'value' => $sha];
    }
    return $args;
}, 10, 2);
