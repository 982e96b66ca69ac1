<?php
/**
 * The plugin's three tables: the change feed, the records (people, chain, site
 * languages, translation plans) and the audit trail. A must-use plugin has no
 * activation step, so they are made on the first request after an upgrade.
 */

defined('ABSPATH') || exit;

function valise_table(string $name): string
{
    global $wpdb;
    return $wpdb->prefix . 'valise_' . $name;
}

function valise_ensure_schema(): void
{
    if (wp_installing() || get_option('valise_schema') === VALISE_SCHEMA) {
        return;
    }
    global $wpdb;
    // Binary collation: ids and hashes compare byte for byte, as in the library.
    $opts = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
    $changes = valise_table('changes');
    $records = valise_table('records');
    $audit = valise_table('audit');
    $ok = $wpdb->query("CREATE TABLE IF NOT EXISTS $changes (
        seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        kind VARCHAR(16) NOT NULL,
        wp_id BIGINT UNSIGNED NULL,
        version_uid VARCHAR(64) NULL,
        post_uid VARCHAR(64) NULL,
        status VARCHAR(20) NULL,
        rev BIGINT NULL,
        how VARCHAR(10) NULL,
        record_kind VARCHAR(32) NULL,
        record_id VARCHAR(128) NULL,
        entry_hash CHAR(64) NULL,
        at_ms BIGINT NOT NULL
    ) $opts") !== false;
    $ok = $ok && $wpdb->query("CREATE TABLE IF NOT EXISTS $records (
        kind VARCHAR(32) NOT NULL,
        id VARCHAR(128) NOT NULL,
        rev BIGINT NOT NULL,
        body LONGTEXT NOT NULL,
        updated_at_ms BIGINT NOT NULL,
        updated_by BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (kind, id)
    ) $opts") !== false;
    $ok = $ok && $wpdb->query("CREATE TABLE IF NOT EXISTS $audit (
        seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        entry_hash CHAR(64) NOT NULL,
        entry_id VARCHAR(64) NOT NULL,
        post_uid VARCHAR(64) NULL,
        kind VARCHAR(32) NOT NULL,
        at_ms BIGINT NOT NULL,
        entry LONGTEXT NOT NULL,
        received_at_ms BIGINT NOT NULL,
        received_by BIGINT UNSIGNED NOT NULL,
        UNIQUE KEY entry_hash (entry_hash),
        KEY post_uid (post_uid, at_ms)
    ) $opts") !== false;
    if ($ok) {
        update_option('valise_schema', VALISE_SCHEMA, true);
    }
}
