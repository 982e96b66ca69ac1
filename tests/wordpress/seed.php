<?php
/**
 * Fills a test site with many posts fast, for the benchmarks: run as
 * `php seed.php SITE_DIR URL LOGIN < requests.jsonl`, one JSON body of
 * `POST /wp/v2/posts` a line (as the desktop's adapter writes it). Each goes
 * through WordPress's own REST dispatch as user LOGIN, in this one PHP
 * process: the same controller, the same plugin hooks (idempotent create,
 * `valise_rev`, the change feed, tags), without an HTTP round trip and a
 * WordPress start per post. Prints one JSON object: `made`, `existing`.
 * For a private test site only: it relaxes the database's log flushing.
 */

if (PHP_SAPI !== 'cli' || $argc < 4) {
    fwrite(STDERR, "usage: php seed.php SITE_DIR URL LOGIN < requests.jsonl\n");
    exit(2);
}
[, $site, $url, $login] = $argv;

$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $site . '/wp-load.php';

$user = get_user_by('login', $login);
if (!$user) {
    fwrite(STDERR, "the site has no user $login\n");
    exit(1);
}
wp_set_current_user($user->ID);
$server = rest_get_server();
// What a bulk import does: term counts once at the end, not per post (each
// recount reads every post of the tag), and no object cache growing with
// every post this one process writes.
wp_defer_term_counting(true);
wp_suspend_cache_addition(true);
// A private throw-away test server: the log is flushed once a second rather
// than at every commit (each post is several commits), as a bulk load does.
$GLOBALS['wpdb']->query('SET GLOBAL innodb_flush_log_at_trx_commit = 2');

$made = 0;
$existing = 0;
$line_no = 0;
while (($line = fgets(STDIN)) !== false) {
    $line_no++;
    if (trim($line) === '') {
        continue;
    }
    $request = new WP_REST_Request('POST', '/wp/v2/posts');
    $request->set_header('Content-Type', 'application/json');
    $request->set_body($line);
    $request->set_query_params(['context' => 'edit']);
    $response = rest_ensure_response($server->dispatch($request));
    // What serve_request would do after dispatch: the plugin releases its locks there.
    $response = apply_filters('rest_post_dispatch', $response, $server, $request);
    $status = $response->get_status();
    if ($status === 201) {
        $made++;
    } elseif ($status === 200) {
        $existing++;
    } else {
        fwrite(STDERR, "line $line_no: $status " . wp_json_encode($response->get_data()) . "\n");
        exit(1);
    }
}
wp_defer_term_counting(false);
echo wp_json_encode(['made' => $made, 'existing' => $existing]), "\n";
