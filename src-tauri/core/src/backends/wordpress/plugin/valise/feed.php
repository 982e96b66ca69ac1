<?php
/**
 * The change feed: one row per change of a Valise post (kind "post"), per
 * trash or delete of one (kind "tombstone"), per record written ("record") and
 * per audit entry received ("audit"), numbered by an auto-increment sequence so
 * that a client's cursor never misses an edit made within the same second.
 */

defined('ABSPATH') || exit;

function valise_feed_add(array $row): void
{
    global $wpdb;
    $row['at_ms'] = valise_now_ms();
    $wpdb->insert(valise_table('changes'), $row);
}

function valise_register_feed_routes(): void
{
    register_rest_route(VALISE_NS, '/changes', [
        'methods' => 'GET',
        'callback' => 'valise_feed_read',
        'permission_callback' => 'valise_can_sync',
        'args' => [
            'after' => ['type' => 'integer', 'minimum' => 0, 'default' => 0],
            'limit' => ['type' => 'integer', 'minimum' => 1, 'maximum' => 1000, 'default' => 500],
        ],
    ]);
}

/** The changes after a cursor, oldest first; `last` is the cursor to pass next. */
function valise_feed_read(WP_REST_Request $request)
{
    global $wpdb;
    $after = (int) $request['after'];
    $limit = (int) $request['limit'];
    $table = valise_table('changes');
    $rows = $wpdb->get_results($wpdb->prepare(
        "SELECT * FROM $table WHERE seq > %d ORDER BY seq LIMIT %d",
        $after,
        $limit + 1
    ), ARRAY_A);
    if ($rows === null) {
        return valise_error('valise_feed_unreadable', 'The change feed could not be read from the database.', 500);
    }
    $more = count($rows) > $limit;
    $changes = array_map('valise_feed_shape', array_slice($rows, 0, $limit));
    $last = $changes ? end($changes)['seq'] : $after;
    return ['changes' => $changes, 'last' => $last, 'more' => $more];
}

/** One row as the client reads it: only the fields its kind has. */
function valise_feed_shape(array $r): array
{
    $out = ['seq' => (int) $r['seq'], 'kind' => $r['kind'], 'at_ms' => (int) $r['at_ms']];
    switch ($r['kind']) {
        case 'post':
            return $out + [
                'id' => (int) $r['wp_id'], 'version_uid' => $r['version_uid'],
                'post_uid' => $r['post_uid'], 'status' => $r['status'], 'rev' => (int) $r['rev'],
            ];
        case 'tombstone':
            return $out + [
                'id' => (int) $r['wp_id'], 'version_uid' => $r['version_uid'],
                'post_uid' => $r['post_uid'], 'how' => $r['how'],
                'deleted_at' => gmdate('Y-m-d\TH:i:s\Z', intdiv((int) $r['at_ms'], 1000)),
            ];
        case 'record':
            return $out + ['record_kind' => $r['record_kind'], 'record_id' => $r['record_id'], 'rev' => (int) $r['rev']];
        default:
            return $out + ['entry_hash' => $r['entry_hash'], 'post_uid' => $r['post_uid']];
    }
}
