<?php
/**
 * The audit trail on the site: entries made and signed on the desktops, stored
 * as sent, once each (by their entry_hash), never updated or deleted (there is
 * no route for either). An entry is accepted only if its hash is the hash of
 * its fields and its signature is valid for its author_key; whether that key
 * belongs to its author is the preflight's question (people may arrive later).
 */

defined('ABSPATH') || exit;

/** Entries per POST: enough for a first sync in a few calls, small enough for one request. */
const VALISE_AUDIT_BATCH = 500;

function valise_register_audit_routes(): void
{
    register_rest_route(VALISE_NS, '/audit', [
        [
            'methods' => 'GET',
            'callback' => 'valise_audit_read',
            'permission_callback' => 'valise_can_sync',
            'args' => [
                'after' => ['type' => 'integer', 'minimum' => 0, 'default' => 0],
                'limit' => ['type' => 'integer', 'minimum' => 1, 'maximum' => 1000, 'default' => 500],
            ],
        ],
        [
            'methods' => 'POST',
            'callback' => 'valise_audit_append',
            'permission_callback' => 'valise_can_sync',
        ],
    ]);
}

function valise_audit_read(WP_REST_Request $request)
{
    global $wpdb;
    $after = (int) $request['after'];
    $limit = (int) $request['limit'];
    $table = valise_table('audit');
    $rows = $wpdb->get_results($wpdb->prepare(
        "SELECT seq, entry FROM $table WHERE seq > %d ORDER BY seq LIMIT %d",
        $after,
        $limit + 1
    ), ARRAY_A) ?: [];
    $more = count($rows) > $limit;
    $entries = [];
    foreach (array_slice($rows, 0, $limit) as $r) {
        $entries[] = ['server_seq' => (int) $r['seq'], 'entry' => json_decode($r['entry'], true)];
    }
    $last = $entries ? end($entries)['server_seq'] : $after;
    return ['entries' => $entries, 'last' => $last, 'more' => $more];
}

/**
 * Why an entry cannot be accepted, or null when it is well formed, its hash
 * is its fields' hash and its signature verifies.
 */
function valise_audit_problem($e): ?string
{
    if (!is_array($e)) {
        return 'it is not a JSON object';
    }
    if (($e['format'] ?? null) !== 1) {
        return 'its format is not 1 (the only one this plugin knows)';
    }
    foreach (['seq', 'at_ms'] as $k) {
        if (!is_int($e[$k] ?? null)) {
            return "'$k' must be a whole number";
        }
    }
    foreach (['id', 'author', 'author_key', 'kind', 'payload', 'prev_hash', 'entry_hash', 'signature'] as $k) {
        if (!is_string($e[$k] ?? null)) {
            return "'$k' must be a string";
        }
    }
    foreach (['post', 'step'] as $k) {
        if (isset($e[$k]) && !is_string($e[$k])) {
            return "'$k' must be a string or null";
        }
    }
    if (!preg_match('/\A[0-9a-f]{64}\z/', $e['author_key']) || !preg_match('/\A[0-9a-f]{64}\z/', $e['entry_hash'])
        || !preg_match('/\A[0-9a-f]{128}\z/', $e['signature'])) {
        return 'author_key and entry_hash must be 64 lower-case hex digits, signature 128';
    }
    if (strlen($e['id']) > 64 || (isset($e['post']) && strlen($e['post']) > 64)) {
        return 'id and post must be at most 64 characters';
    }
    $hash = valise_audit_entry_hash($e);
    if (!hash_equals(bin2hex($hash), $e['entry_hash'])) {
        return 'its entry_hash is not the hash of its fields (it was changed after it was made)';
    }
    if (!function_exists('sodium_crypto_sign_verify_detached')) {
        return 'this PHP has no sodium extension to check signatures';
    }
    if (!sodium_crypto_sign_verify_detached(hex2bin($e['signature']), $hash, hex2bin($e['author_key']))) {
        return 'its signature is not valid for its author_key';
    }
    return null;
}

function valise_audit_append(WP_REST_Request $request)
{
    global $wpdb;
    $params = $request->get_json_params();
    $entries = is_array($params) ? ($params['entries'] ?? null) : null;
    if (!is_array($entries) || !array_is_list($entries)) {
        return valise_error('valise_bad_audit', 'Send a JSON object {"entries": [...]} with a list of audit entries.', 400);
    }
    if (count($entries) > VALISE_AUDIT_BATCH) {
        return valise_error('valise_bad_audit', sprintf('At most %d entries per request; send the rest in another.', VALISE_AUDIT_BATCH), 400);
    }
    // All or nothing: one bad entry refuses the batch, so nothing is half sent.
    foreach ($entries as $i => $e) {
        $problem = valise_audit_problem($e);
        if ($problem !== null) {
            $which = is_array($e) && is_string($e['id'] ?? null) ? $e['id'] : "number $i";
            return valise_error('valise_bad_audit', "Audit entry $which was refused: $problem. Nothing was stored.", 400, ['index' => $i]);
        }
    }
    $table = valise_table('audit');
    $new = [];
    $known = [];
    foreach ($entries as $e) {
        $stored = $wpdb->query($wpdb->prepare(
            "INSERT IGNORE INTO $table (entry_hash, entry_id, post_uid, kind, at_ms, entry, received_at_ms, received_by)
             VALUES (%s, %s, %s, %s, %d, %s, %d, %d)",
            $e['entry_hash'],
            $e['id'],
            $e['post'] ?? '',
            $e['kind'],
            $e['at_ms'],
            wp_json_encode($e, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
            valise_now_ms(),
            get_current_user_id()
        ));
        if ($stored === false) {
            return valise_error('valise_audit_unsaved', sprintf('The database refused audit entry %s; the entries before it were stored (send the batch again: stored ones are skipped).', $e['id']), 500);
        }
        if ($stored === 1) {
            $new[] = $e['entry_hash'];
            valise_feed_add(['kind' => 'audit', 'entry_hash' => $e['entry_hash'], 'post_uid' => $e['post'] ?? null]);
        } else {
            $known[] = $e['entry_hash'];
        }
    }
    return ['new' => $new, 'known' => $known];
}

/** A post's entries as stored, in the merged order of the library: (at, id). */
function valise_audit_of_post(string $post_uid): array
{
    global $wpdb;
    $table = valise_table('audit');
    $rows = $wpdb->get_col($wpdb->prepare(
        "SELECT entry FROM $table WHERE post_uid = %s ORDER BY at_ms, entry_id",
        $post_uid
    )) ?: [];
    return array_map(static fn ($r) => json_decode($r, true), $rows);
}
