<?php
/**
 * The guard in front of /wp/v2/posts writes, before WordPress acts:
 * - a create carrying a known `meta.valise_version_uid` answers the post it
 *   already made (200, `X-Valise-Existing: 1`) and creates nothing;
 * - an update or delete carrying `valise_base_rev` that is not the stored
 *   `valise_rev` answers 412 `valise_stale` and changes nothing;
 * - a change of status to publish or future runs the preflight (403
 *   `valise_preflight_failed` with the reasons).
 * A MariaDB named lock per version uid or post, held to the end of the
 * request, keeps two concurrent writers from both passing the check.
 */

defined('ABSPATH') || exit;

/** Posts whose publish the REST guard already checked in this request. */
$GLOBALS['valise_gate_passed'] = [];
$GLOBALS['valise_locks'] = [];

add_filter('rest_pre_dispatch', 'valise_guard', 10, 3);
add_filter('rest_post_dispatch', 'valise_release_locks', 10, 1);

function valise_lock(string $name): bool
{
    global $wpdb;
    $got = (int) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, 15)', $name)) === 1;
    if ($got) {
        $GLOBALS['valise_locks'][] = $name;
    }
    return $got;
}

function valise_release_locks($response)
{
    global $wpdb;
    foreach ($GLOBALS['valise_locks'] as $name) {
        $wpdb->get_var($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $name));
    }
    $GLOBALS['valise_locks'] = [];
    return $response;
}

function valise_guard($result, $server, WP_REST_Request $request)
{
    if ($result !== null || $request->get_method() === 'GET') {
        return $result;
    }
    $route = $request->get_route();
    if ($route === '/wp/v2/posts' && $request->get_method() === 'POST') {
        return valise_guard_create($request);
    }
    if (preg_match('#\A/wp/v2/posts/(\d+)\z#', $route, $m)) {
        return valise_guard_update((int) $m[1], $request);
    }
    return null;
}

/** The request's meta object, or [] when it sends none. */
function valise_request_meta(WP_REST_Request $request): array
{
    $meta = $request->get_param('meta');
    return is_array($meta) ? $meta : [];
}

function valise_guard_create(WP_REST_Request $request)
{
    $meta = valise_request_meta($request);
    if (array_key_exists('valise_rev', $meta)) {
        return valise_error('valise_rev_read_only', 'valise_rev is kept by the server; do not send it (send valise_base_rev with an update instead).', 400);
    }
    $uid = $meta['valise_version_uid'] ?? '';
    if ($uid === '') {
        return null;
    }
    if (!is_string($uid) || !preg_match('/\A[A-Za-z0-9._-]{1,64}\z/', $uid)) {
        return valise_error('valise_bad_uid', 'meta.valise_version_uid must be 1 to 64 letters, digits, dots, dashes or underscores.', 400);
    }
    foreach (['valise_post_uid', 'valise_lang'] as $needed) {
        if (!is_string($meta[$needed] ?? null) || $meta[$needed] === '') {
            return valise_error('valise_incomplete', "A Valise post needs meta.$needed as well as meta.valise_version_uid.", 400);
        }
    }
    if (!current_user_can('edit_posts')) {
        return null; // WordPress answers its own 401/403.
    }
    if (!valise_lock('valise_c_' . md5($uid))) {
        return valise_error('valise_busy', 'Another request is creating this post right now; retry in a moment.', 503);
    }
    $existing = valise_find_version($uid);
    if ($existing) {
        if (!current_user_can('edit_post', $existing)) {
            return valise_error('valise_forbidden', 'This post already exists on the site and you may not edit it.', 403);
        }
        $get = new WP_REST_Request('GET', "/wp/v2/posts/$existing");
        $get->set_param('context', 'edit');
        $response = rest_do_request($get);
        $response->set_status(200);
        $response->header('X-Valise-Existing', '1');
        return $response;
    }
    $status = $request->get_param('status');
    if (in_array($status, ['publish', 'future'], true)) {
        return valise_gate($meta['valise_post_uid'], [$uid => valise_request_fields($request, $meta)], 0);
    }
    return null;
}

function valise_guard_update(int $post_id, WP_REST_Request $request)
{
    $uid = valise_version_uid($post_id);
    if ($uid === '') {
        return null;
    }
    $meta = valise_request_meta($request);
    if (array_key_exists('valise_rev', $meta)) {
        return valise_error('valise_rev_read_only', 'valise_rev is kept by the server; send valise_base_rev (the rev you read) instead.', 400);
    }
    if (!current_user_can('edit_post', $post_id)) {
        return null;
    }
    if (!valise_lock('valise_p_' . $post_id)) {
        return valise_error('valise_busy', 'Another request is changing this post right now; retry in a moment.', 503);
    }
    $base = $request->get_param('valise_base_rev');
    if ($base !== null) {
        if (!is_numeric($base) || (int) $base != $base) {
            return valise_error('valise_bad_base_rev', 'valise_base_rev must be the valise_rev you read (a whole number).', 400);
        }
        $rev = (int) get_post_meta($post_id, 'valise_rev', true);
        if ((int) $base !== $rev) {
            return valise_stale($rev, sprintf('Post %d is at rev %d, not %d: it changed on the site since you read it. Pull, merge, then push again.', $post_id, $rev, (int) $base));
        }
    }
    $status = $request->get_param('status');
    $old = get_post_status($post_id);
    if ($request->get_method() !== 'DELETE' && in_array($status, ['publish', 'future'], true) && $status !== $old) {
        $group = is_string($meta['valise_post_uid'] ?? null) ? $meta['valise_post_uid'] : (string) get_post_meta($post_id, 'valise_post_uid', true);
        return valise_gate($group, [$uid => valise_request_fields($request, $meta)], $post_id);
    }
    return null;
}

/** The hashed fields a request writes, to judge the publish on them. */
function valise_request_fields(WP_REST_Request $request, array $meta): array
{
    $fields = [];
    $title = $request->get_param('title');
    if (is_array($title)) {
        $title = $title['raw'] ?? null;
    }
    if (is_string($title)) {
        $fields['title'] = $title;
    }
    $map = [
        'valise_lang' => 'lang', 'valise_source_lang' => 'source_lang', 'valise_summary' => 'summary',
        'valise_markdown' => 'body', 'valise_share_text' => 'share_text', 'valise_place_line' => 'place_line',
        'valise_units' => 'units',
    ];
    foreach ($map as $key => $field) {
        if (is_string($meta[$key] ?? null)) {
            $fields[$field] = $meta[$key];
        }
    }
    if (is_string($meta['valise_tags'] ?? null)) {
        $fields['tags'] = json_decode($meta['valise_tags'], true) ?: [];
    }
    if (is_string($meta['valise_assets'] ?? null)) {
        $fields['assets'] = json_decode($meta['valise_assets'], true) ?: [];
    }
    $content = $request->get_param('content');
    if (is_array($content)) {
        $content = $content['raw'] ?? null;
    }
    if (is_string($content)) {
        $fields['content'] = $content;
    }
    return $fields;
}

/** null (go on) when the group may be published, else the 403 with the reasons. */
function valise_gate(string $group, array $override, int $post_id)
{
    $failed = valise_preflight($group, $override);
    if (!$failed) {
        // Tells the wp_insert_post_data gate (admin-gate.php) not to judge it again
        // on the stored text, which this request is about to change.
        $GLOBALS['valise_gate_passed'][$post_id ?: 'new'] = true;
        return null;
    }
    $messages = implode(' ', array_column($failed, 'message'));
    return valise_error('valise_preflight_failed', "This post cannot be published yet. $messages", 403, ['reasons' => $failed]);
}
