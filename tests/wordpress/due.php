<?php
/**
 * Makes scheduled posts due now, for tests that run the site's cron without
 * waiting for the date: `php due.php SITE_DIR URL POST_ID...`. Each post still
 * `future` gets its date moved to a second ago (written straight to the
 * database, so nothing publishes it yet) and its `publish_future_post` event
 * moved to now; the next run of wp-cron publishes it, as it would at the
 * date. Prints the ids it moved.
 */

if (PHP_SAPI !== 'cli' || $argc < 4) {
    fwrite(STDERR, "usage: php due.php SITE_DIR URL POST_ID...\n");
    exit(2);
}
[, $site, $url] = $argv;
$ids = array_map('intval', array_slice($argv, 3));

$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $site . '/wp-load.php';

global $wpdb;
$now = time() - 1;
$moved = [];
foreach ($ids as $id) {
    if (get_post_status($id) !== 'future') {
        continue;
    }
    $wpdb->update($wpdb->posts, [
        'post_date' => get_date_from_gmt(gmdate('Y-m-d H:i:s', $now)),
        'post_date_gmt' => gmdate('Y-m-d H:i:s', $now),
    ], ['ID' => $id]);
    clean_post_cache($id);
    wp_clear_scheduled_hook('publish_future_post', [$id]);
    wp_schedule_single_event($now, 'publish_future_post', [$id]);
    $moved[] = $id;
}
echo json_encode(['moved' => $moved]), "\n";
