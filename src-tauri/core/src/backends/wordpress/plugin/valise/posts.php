<?php
/**
 * Valise posts: one WordPress post per language version, known by its
 * `valise_version_uid` meta. This file registers the meta, keeps `valise_rev`
 * (+1 on every change of the post or its Valise meta, by anyone, once per
 * save), mirrors `valise_tags` into WordPress tags, and writes the feed rows
 * for changes and the tombstones for trash and delete.
 */

defined('ABSPATH') || exit;

/** The meta of a language version, with its REST type. */
const VALISE_META = [
    'valise_version_uid' => 'string',
    'valise_post_uid' => 'string',
    'valise_lang' => 'string',
    'valise_source_lang' => 'string',
    'valise_markdown' => 'string',
    'valise_summary' => 'string',
    'valise_share_text' => 'string',
    'valise_place_line' => 'string',
    'valise_author' => 'string',
    'valise_tags' => 'string',
    'valise_units' => 'string',
    'valise_assets' => 'string',
    'valise_rev' => 'integer',
];

function valise_register_meta(): void
{
    foreach (VALISE_META as $key => $type) {
        register_post_meta('post', $key, [
            'type' => $type,
            'single' => true,
            'show_in_rest' => true,
            'default' => $type === 'integer' ? 0 : '',
            'auth_callback' => static fn () => current_user_can('edit_posts'),
        ]);
    }
}

/** The version uid of a Valise post, or '' for any other post. */
function valise_version_uid(int $post_id): string
{
    $post = get_post($post_id);
    if (!$post || $post->post_type !== 'post') {
        return '';
    }
    return (string) get_post_meta($post_id, 'valise_version_uid', true);
}

/** The post with this version uid in any status WordPress keeps (trash too), or 0. */
function valise_find_version(string $version_uid): int
{
    global $wpdb;
    return (int) $wpdb->get_var($wpdb->prepare(
        "SELECT p.ID FROM {$wpdb->posts} p JOIN {$wpdb->postmeta} m ON m.post_id = p.ID
         WHERE m.meta_key = 'valise_version_uid' AND m.meta_value = %s
           AND p.post_type = 'post' ORDER BY p.ID LIMIT 1",
        $version_uid
    ));
}

// --- valise_rev and the feed -------------------------------------------------

/** Posts whose Valise meta changed outside a save, to count once at the end. */
$GLOBALS['valise_pending'] = [];

add_action('wp_after_insert_post', static function ($post_id): void {
    valise_post_changed((int) $post_id);
}, 10, 1);

foreach (['added_post_meta', 'updated_post_meta', 'deleted_post_meta'] as $hook) {
    add_action($hook, static function ($meta_id, $post_id, $key): void {
        if (is_string($key) && strncmp($key, 'valise_', 7) === 0 && $key !== 'valise_rev') {
            $GLOBALS['valise_pending'][(int) $post_id] = true;
        }
    }, 10, 3);
}

// A meta write with no save after it (another plugin, a direct update_post_meta)
// still counts as a change.
add_action('shutdown', static function (): void {
    foreach (array_keys($GLOBALS['valise_pending']) as $post_id) {
        valise_post_changed($post_id);
    }
});

/** One change of a Valise post: +1 to its rev, its tags mirrored, one feed row. */
function valise_post_changed(int $post_id): void
{
    unset($GLOBALS['valise_pending'][$post_id]);
    $uid = valise_version_uid($post_id);
    if ($uid === '') {
        return;
    }
    $rev = (int) get_post_meta($post_id, 'valise_rev', true) + 1;
    update_post_meta($post_id, 'valise_rev', $rev);
    $tags = json_decode((string) get_post_meta($post_id, 'valise_tags', true), true);
    if (is_array($tags)) {
        wp_set_post_tags($post_id, array_values(array_filter($tags, 'is_string')), false);
    }
    valise_feed_add([
        'kind' => 'post', 'wp_id' => $post_id, 'version_uid' => $uid,
        'post_uid' => (string) get_post_meta($post_id, 'valise_post_uid', true),
        'status' => get_post_status($post_id), 'rev' => $rev,
    ]);
    // Counted: the meta writes of this save must not count again at shutdown.
    unset($GLOBALS['valise_pending'][$post_id]);
}

/** A tombstone: the version's ids and how it went, readable through the feed. */
function valise_tombstone(int $post_id, string $how): void
{
    $uid = valise_version_uid($post_id);
    if ($uid === '') {
        return;
    }
    valise_feed_add([
        'kind' => 'tombstone', 'wp_id' => $post_id, 'version_uid' => $uid,
        'post_uid' => (string) get_post_meta($post_id, 'valise_post_uid', true), 'how' => $how,
    ]);
}

add_action('trashed_post', static fn ($id) => valise_tombstone((int) $id, 'trash'));
// Before the delete, while the meta is still there to say which version it was.
add_action('before_delete_post', static fn ($id) => valise_tombstone((int) $id, 'delete'));

// --- finding versions through REST -------------------------------------------

// GET /wp/v2/posts?valise_version_uid=U or ?valise_post_uid=G (with status=any
// for drafts too, as for any query).
add_filter('rest_post_query', static function (array $args, WP_REST_Request $request): array {
    foreach (['valise_version_uid', 'valise_post_uid'] as $key) {
        $value = $request->get_param($key);
        if (is_string($value) && $value !== '') {
            $args['meta_query'][] = ['key' => $key, 'value' => $value];
        }
    }
    return $args;
}, 10, 2);
