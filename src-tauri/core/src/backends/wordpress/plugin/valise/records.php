<?php
/**
 * Records: small JSON documents with a rev, for what is not a post: people
 * (kind "person", id = their global id), the sign-off chain ("chain",
 * "current"), the site's languages ("site", "languages"), a post's
 * "not planned" translations ("plan", the post's global id) and assets
 * ("asset", the asset's global id; `{"deleted": true}` once deleted). A write carries the
 * rev it read (`base_rev`, 0 for a new record); a stale one answers 412.
 */

defined('ABSPATH') || exit;

const VALISE_RECORD_KIND = '[a-z][a-z_]{0,31}';
const VALISE_RECORD_ID = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';
/** A record is small: people, a chain. A megabyte is far above any of them. */
const VALISE_RECORD_MAX = 1048576;

function valise_register_record_routes(): void
{
    $kind = '(?P<kind>' . VALISE_RECORD_KIND . ')';
    register_rest_route(VALISE_NS, "/records/$kind", [
        'methods' => 'GET',
        'callback' => 'valise_records_list',
        'permission_callback' => 'valise_can_sync',
    ]);
    register_rest_route(VALISE_NS, "/records/$kind/(?P<id>" . VALISE_RECORD_ID . ')', [
        [
            'methods' => 'GET',
            'callback' => 'valise_record_get',
            'permission_callback' => 'valise_can_sync',
        ],
        [
            'methods' => 'PUT',
            'callback' => 'valise_record_put',
            'permission_callback' => 'valise_may_write_record',
        ],
    ]);
}

/**
 * The chain, the site's languages and people's keys decide whose approvals
 * count, so only people who may publish change them; anyone else who syncs may
 * write their own person record (a key for a new desktop) and the other kinds.
 */
function valise_may_write_record(WP_REST_Request $request)
{
    if (!valise_can_sync()) {
        return false;
    }
    if (current_user_can('publish_posts')) {
        return true;
    }
    $kind = $request['kind'];
    if ($kind === 'chain' || $kind === 'site') {
        return valise_error('valise_not_allowed', "Only people who may publish can change the site's $kind record.", 403);
    }
    if ($kind === 'person') {
        $login = wp_get_current_user()->user_login;
        $stored = valise_record('person', $request['id']);
        $params = $request->get_json_params();
        $new = is_array($params['body'] ?? null) ? ($params['body']['backend_user'] ?? null) : null;
        if ($new !== $login || ($stored !== null && ($stored['body']['backend_user'] ?? null) !== $login)) {
            return valise_error('valise_not_allowed', "You may change only your own person record (the one whose backend_user is $login).", 403);
        }
    }
    return true;
}

/** A stored record as [rev, body] (body decoded), or null. */
function valise_record(string $kind, string $id): ?array
{
    global $wpdb;
    $table = valise_table('records');
    $row = $wpdb->get_row($wpdb->prepare("SELECT rev, body FROM $table WHERE kind = %s AND id = %s", $kind, $id), ARRAY_A);
    if (!$row) {
        return null;
    }
    return ['kind' => $kind, 'id' => $id, 'rev' => (int) $row['rev'], 'body' => json_decode($row['body'], true)];
}

/** Every record of a kind, by id. */
function valise_records_of(string $kind): array
{
    global $wpdb;
    $table = valise_table('records');
    $rows = $wpdb->get_results($wpdb->prepare("SELECT id, rev, body FROM $table WHERE kind = %s ORDER BY id", $kind), ARRAY_A) ?: [];
    return array_map(static fn ($r) => [
        'kind' => $kind, 'id' => $r['id'], 'rev' => (int) $r['rev'], 'body' => json_decode($r['body'], true),
    ], $rows);
}

function valise_records_list(WP_REST_Request $request)
{
    return ['records' => valise_records_of($request['kind'])];
}

function valise_record_get(WP_REST_Request $request)
{
    $record = valise_record($request['kind'], $request['id']);
    if ($record === null) {
        return valise_error('valise_record_not_found', sprintf('There is no %s record "%s" on this site.', $request['kind'], $request['id']), 404);
    }
    return $record;
}

function valise_record_put(WP_REST_Request $request)
{
    global $wpdb;
    $kind = $request['kind'];
    $id = $request['id'];
    $params = $request->get_json_params();
    if (!is_array($params) || !array_key_exists('body', $params) || !is_array($params['body'])) {
        return valise_error('valise_bad_record', 'Send a JSON object {"base_rev": N, "body": {...}}; the body must be a JSON object.', 400);
    }
    $base = $params['base_rev'] ?? 0;
    if (!is_int($base) || $base < 0) {
        return valise_error('valise_bad_record', '"base_rev" must be the rev you read (a whole number), or 0 for a new record.', 400);
    }
    $body = wp_json_encode($params['body'], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    if ($body === false || strlen($body) > VALISE_RECORD_MAX) {
        return valise_error('valise_bad_record', 'The record body is not encodable JSON or is larger than 1 MB.', 400);
    }
    // One writer per record at a time, so two writers with the same base cannot both win.
    $lock = 'valise_r_' . md5("$kind/$id");
    $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, 10)', $lock));
    try {
        $current = valise_record($kind, $id);
        $rev = $current ? $current['rev'] : 0;
        if ($rev !== $base) {
            return valise_stale($rev, sprintf('The %s record "%s" is at rev %d, not %d: someone changed it since you read it. Read it again and merge.', $kind, $id, $rev, $base));
        }
        $table = valise_table('records');
        $ok = $wpdb->replace($table, [
            'kind' => $kind, 'id' => $id, 'rev' => $rev + 1, 'body' => $body,
            'updated_at_ms' => valise_now_ms(), 'updated_by' => get_current_user_id(),
        ]);
        if ($ok === false) {
            return valise_error('valise_record_unsaved', 'The record could not be saved in the database; nothing changed.', 500);
        }
        valise_feed_add(['kind' => 'record', 'record_kind' => $kind, 'record_id' => $id, 'rev' => $rev + 1]);
    } finally {
        $wpdb->get_var($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $lock));
    }
    return valise_record($kind, $id);
}

/** The 412 of the contract: the stored rev, and nothing changed. */
function valise_stale(int $rev, string $message): WP_Error
{
    return valise_error('valise_stale', $message, 412, ['rev' => $rev]);
}
