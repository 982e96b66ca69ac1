<?php
/**
 * The publishing gate for every path that is not the REST guard: wp-admin's
 * classic editor, Quick Edit, XML-RPC, other plugins calling wp_insert_post.
 * A Valise post whose status would become publish or future without a passing
 * preflight keeps its status (a new post stays a draft), and wp-admin shows
 * why. wp-cron publishing a scheduled post is not stopped: it passed the gate
 * when it was scheduled.
 */

defined('ABSPATH') || exit;

add_filter('wp_insert_post_data', 'valise_admin_gate', 99, 2);
add_action('admin_notices', 'valise_admin_notice');

function valise_admin_gate(array $data, array $postarr): array
{
    $new_status = $data['post_status'] ?? '';
    if (($data['post_type'] ?? '') !== 'post' || !in_array($new_status, ['publish', 'future'], true)) {
        return $data;
    }
    $id = (int) ($postarr['ID'] ?? 0);
    $meta_input = is_array($postarr['meta_input'] ?? null) ? $postarr['meta_input'] : [];
    $uid = $id ? valise_version_uid($id) : '';
    if ($uid === '') {
        $uid = is_string($meta_input['valise_version_uid'] ?? null) ? $meta_input['valise_version_uid'] : '';
    }
    if ($uid === '') {
        return $data;
    }
    $old = $id ? get_post_status($id) : false;
    if ($old === $new_status || isset($GLOBALS['valise_gate_passed'][$id ?: 'new'])) {
        return $data;
    }
    $group = $id ? (string) get_post_meta($id, 'valise_post_uid', true) : (string) ($meta_input['valise_post_uid'] ?? '');
    $failed = valise_preflight($group, [$uid => ['title' => wp_unslash($data['post_title'] ?? '')]]);
    if (!$failed) {
        return $data;
    }
    $data['post_status'] = in_array($old, [false, 'auto-draft', 'trash', 'publish', 'future'], true) ? 'draft' : $old;
    $user = get_current_user_id();
    if ($user) {
        set_transient("valise_refused_$user", array_column($failed, 'message'), 300);
    }
    return $data;
}

function valise_admin_notice(): void
{
    $user = get_current_user_id();
    $messages = $user ? get_transient("valise_refused_$user") : false;
    if (!is_array($messages)) {
        return;
    }
    delete_transient("valise_refused_$user");
    echo '<div class="notice notice-error"><p><strong>' . esc_html__('Valise: this post was not published.') . '</strong></p><ul>';
    foreach ($messages as $m) {
        echo '<li>' . esc_html($m) . '</li>';
    }
    echo '</ul></div>';
}
