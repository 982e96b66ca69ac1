<?php
/**
 * The server side of the preflight: the subset of valise-core's sign-off rules
 * (workflow/rules/{chain,state,preflight}.rs) that decides whether a post may
 * go public. Submitted and not withdrawn; every chain step has enough valid
 * approvals of the group's current content (signature checked, key held by
 * the signer's person record, delegation granted by the chain); no changes
 * requested in this round; every site language complete or not planned; share
 * texts within 280 characters. Links between posts are the desktop's check.
 */

defined('ABSPATH') || exit;

const VALISE_SHARE_LIMIT = 280;

function valise_register_preflight_route(): void
{
    register_rest_route(VALISE_NS, '/preflight/(?P<post_uid>[A-Za-z0-9._-]{1,64})', [
        'methods' => 'GET',
        'callback' => static function (WP_REST_Request $request) {
            $failed = valise_preflight($request['post_uid']);
            return ['ready' => !$failed, 'failed' => $failed];
        },
        'permission_callback' => 'valise_can_sync',
    ]);
}

/**
 * The language versions of a group as WordPress holds them (trash excluded),
 * with `$override` (the fields a request is about to write to one version,
 * keyed by version_uid) applied, so a request that edits and publishes at once
 * is judged on what it writes.
 */
function valise_group_versions(string $post_uid, array $override = []): array
{
    global $wpdb;
    $ids = $wpdb->get_col($wpdb->prepare(
        "SELECT p.ID FROM {$wpdb->posts} p JOIN {$wpdb->postmeta} m ON m.post_id = p.ID
         WHERE m.meta_key = 'valise_post_uid' AND m.meta_value = %s AND p.post_type = 'post'
           AND p.post_status NOT IN ('trash', 'auto-draft', 'inherit') ORDER BY p.ID",
        $post_uid
    )) ?: [];
    $versions = [];
    foreach ($ids as $id) {
        $meta = static fn ($k) => (string) get_post_meta((int) $id, $k, true);
        $uid = $meta('valise_version_uid');
        $versions[$uid] = [
            'version_uid' => $uid,
            'lang' => $meta('valise_lang'),
            'source_lang' => $meta('valise_source_lang'),
            'title' => (string) get_post_field('post_title', (int) $id, 'raw'),
            'summary' => $meta('valise_summary'),
            'body' => $meta('valise_markdown'),
            'share_text' => $meta('valise_share_text'),
            'tags' => json_decode($meta('valise_tags'), true) ?: [],
            'place_line' => $meta('valise_place_line'),
            'units' => $meta('valise_units'),
            'content' => (string) get_post_field('post_content', (int) $id, 'raw'),
            'assets' => json_decode($meta('valise_assets'), true) ?: [],
        ];
    }
    foreach ($override as $uid => $fields) {
        $versions[$uid] = array_merge($versions[$uid] ?? ['version_uid' => $uid], $fields);
    }
    return array_values($versions);
}

/** People records by global id and by name, each with the set of their public keys. */
function valise_people(): array
{
    $by_id = [];
    $by_name = [];
    foreach (valise_records_of('person') as $r) {
        $b = is_array($r['body']) ? $r['body'] : [];
        $keys = [];
        foreach ((is_array($b['keys'] ?? null) ? $b['keys'] : []) as $k) {
            if (is_array($k) && is_string($k['public_key'] ?? null)) {
                $keys[strtolower($k['public_key'])] = true;
            }
        }
        $p = ['id' => $r['id'], 'name' => (string) ($b['name'] ?? ''), 'keys' => $keys];
        $by_id[$r['id']] = $p;
        $by_name[$p['name']] = $p;
    }
    return [$by_id, $by_name];
}

/**
 * A post's sign-off acts from its audit entries, keeping only those the server
 * can trust: a valid entry by a known person with one of their keys, and a
 * delegation the chain grants.
 */
function valise_acts(string $post_uid, array $chain, array $people_by_id): array
{
    $kinds = ['submit', 'approve', 'request_changes', 'withdraw'];
    $acts = [];
    foreach (valise_audit_of_post($post_uid) as $e) {
        if (!is_array($e) || !in_array($e['kind'] ?? '', $kinds, true) || valise_audit_problem($e) !== null) {
            continue;
        }
        $person = $people_by_id[$e['author']] ?? null;
        if ($person === null || !isset($person['keys'][$e['author_key']])) {
            continue;
        }
        $payload = json_decode($e['payload'], true);
        if (!is_array($payload) || !is_string($payload['content_hash'] ?? null)) {
            continue;
        }
        $behalf = is_string($payload['on_behalf_of'] ?? null) ? $payload['on_behalf_of'] : null;
        if ($behalf !== null && !valise_may_sign_for($chain, $person['name'], $behalf)) {
            continue;
        }
        $acts[] = [
            'kind' => $e['kind'], 'step' => $e['step'] ?? null, 'by' => $person['name'],
            'signer' => $behalf ?? $person['name'], 'hash' => strtolower($payload['content_hash']),
            'comment' => is_string($payload['comment'] ?? null) ? $payload['comment'] : '',
        ];
    }
    return $acts;
}

function valise_may_sign_for(array $chain, string $delegate, string $signer): bool
{
    foreach ($chain['delegations'] ?? [] as $d) {
        if (($d['delegate'] ?? null) === $delegate && ($d['signer'] ?? null) === $signer) {
            return true;
        }
    }
    return false;
}

/** How many approvals a step needs: a number, or "all" of its signers. */
function valise_needed(array $step): int
{
    $required = $step['required'] ?? 1;
    if (is_string($required) && strtolower(trim($required)) === 'all') {
        return count($step['signers'] ?? []);
    }
    return is_numeric($required) ? (int) $required : 1;
}

/**
 * Every failed check for the group `$post_uid` (empty: it may be published),
 * each {code, message, step?, lang?} as the desktop's preflight words them.
 */
function valise_preflight(string $post_uid, array $override = []): array
{
    $failed = [];
    $fail = static function (string $code, string $message, array $where = []) use (&$failed): void {
        $failed[] = ['code' => $code, 'message' => $message] + $where;
    };
    $versions = valise_group_versions($post_uid, $override);
    if (!$versions) {
        $fail('no_versions', "Post $post_uid has no language version on this site.");
        return $failed;
    }
    // Judged on the HTML alone: whatever the sign-offs, such a page stays off the site.
    valise_check_images($versions, $fail);
    $chain_record = valise_record('chain', 'current');
    $chain = is_array($chain_record['body'] ?? null) ? $chain_record['body'] : null;
    if ($chain === null || !is_array($chain['steps'] ?? null) || !$chain['steps']) {
        $fail('no_chain', 'The site has no sign-off chain: sync the library that sets it (records/chain/current) first.');
        return $failed;
    }
    [$people_by_id] = valise_people();
    $acts = valise_acts($post_uid, $chain, $people_by_id);

    // The submission in force: the latest submit not followed by a withdraw.
    $round = null;
    foreach ($acts as $i => $a) {
        if ($a['kind'] === 'submit') {
            $round = $i;
        } elseif ($a['kind'] === 'withdraw' && $round !== null) {
            $round = null;
        }
    }
    if ($round === null) {
        $fail('not_submitted', 'The post has not been submitted for sign-off: submit it.');
    }

    try {
        $all_hash = valise_content_hash($versions);
        foreach ($chain['steps'] as $step) {
            valise_check_step($step, $versions, $all_hash, $acts, $round, $fail);
        }
    } catch (Valise_Hash_Error $e) {
        $fail('unhashable', 'The content cannot be hashed on the server: ' . $e->getMessage() . '.');
    }
    valise_check_languages($post_uid, $versions, $fail);
    foreach ($versions as $v) {
        $n = mb_strlen(valise_trim((string) ($v['share_text'] ?? '')), 'UTF-8');
        if ($n > VALISE_SHARE_LIMIT) {
            $fail('share_text_too_long', sprintf('The %s share text is %d characters, over the limit of %d.', $v['lang'], $n, VALISE_SHARE_LIMIT), ['lang' => $v['lang']]);
        }
    }
    return $failed;
}

/**
 * The published HTML of every version: each image has alt text, and no asset
 * reference was left unresolved (the core's placeholder figure). The desktop's
 * preflight fails first on both; this keeps a page without them off the site
 * whoever writes it.
 */
function valise_check_images(array $versions, callable $fail): void
{
    foreach ($versions as $v) {
        $html = (string) ($v['content'] ?? '');
        $lang = (string) ($v['lang'] ?? '');
        $without = 0;
        if (preg_match_all('/<img\b[^>]*>/i', $html, $m)) {
            foreach ($m[0] as $tag) {
                if (!preg_match('/\balt\s*=\s*("([^"]*)"|\'([^\']*)\')/i', $tag, $alt)
                    || trim(html_entity_decode(($alt[2] ?? '') . ($alt[3] ?? ''))) === '') {
                    $without++;
                }
            }
        }
        if ($without > 0) {
            $fail('missing_alt', sprintf('The %s version shows %d image(s) without alt text: write the alt text in %s.', $lang, $without, $lang), ['lang' => $lang]);
        }
        if (strpos($html, 'class="asset-missing"') !== false) {
            $fail('missing_asset', sprintf('The %s version refers to an asset it cannot show: fix the reference.', $lang), ['lang' => $lang]);
        }
    }
}

/** One step, as valise-core's `evaluate` judges it. */
function valise_check_step(array $step, array $versions, string $all_hash, array $acts, ?int $round, callable $fail): void
{
    $name = (string) ($step['name'] ?? '');
    $signers = array_values(array_filter($step['signers'] ?? [], 'is_string'));
    $where = ['step' => $name];
    if (!$signers) {
        $fail('no_signers', "Step '$name' has nobody who may sign it: name its signers in the chain.", $where);
        return;
    }
    $hash = $all_hash;
    if (is_array($step['languages'] ?? null)) {
        $langs = $step['languages'];
        $hash = valise_content_hash(array_values(array_filter($versions, static fn ($v) => in_array($v['lang'], $langs, true))));
    }
    $on_step = array_filter($acts, static fn ($a) => $a['step'] === $name);
    foreach (array_reverse($on_step, true) as $i => $a) {
        if ($round !== null && $a['kind'] === 'request_changes' && $i > $round && in_array($a['signer'], $signers, true)) {
            $fail('changes_requested', sprintf("Step '%s': %s asked for changes: \"%s\". Make them and submit again.", $name, $a['by'], $a['comment']), $where);
            return;
        }
    }
    $counted = 0;
    $voided = [];
    foreach ($signers as $signer) {
        $valid = false;
        $last = false;
        foreach ($on_step as $a) {
            if ($a['signer'] !== $signer) {
                continue;
            }
            if ($a['kind'] === 'approve') {
                $valid = $valid || $a['hash'] === $hash;
                $last = true;
            } elseif ($a['kind'] === 'request_changes') {
                $valid = $last = false;
            }
        }
        if ($valid) {
            $counted++;
        } elseif ($last) {
            $voided[] = $signer;
        }
    }
    $needed = valise_needed($step);
    if ($needed < 1 || $counted < $needed) {
        $why = $voided
            ? sprintf('the text changed after %s approved it', implode(', ', $voided))
            : 'it is not approved';
        $fail($voided ? 'approval_voided' : 'step_not_approved', sprintf("Step '%s': %s (%d of %d approvals of the current text, %s).", $name, $why, $counted, $needed, $hash), $where + ['hash' => $hash]);
    }
}

/** Every site language: the source, a complete translation, or not planned. */
function valise_check_languages(string $post_uid, array $versions, callable $fail): void
{
    $site = valise_record('site', 'languages');
    $languages = is_array($site['body']['languages'] ?? null) ? $site['body']['languages'] : array_column($versions, 'lang');
    $plan = valise_record('plan', $post_uid);
    $not_planned = is_array($plan['body']['not_planned'] ?? null) ? $plan['body']['not_planned'] : [];
    $by_lang = array_column($versions, null, 'lang');
    foreach ($languages as $lang) {
        if (!is_string($lang)) {
            continue;
        }
        $v = $by_lang[$lang] ?? null;
        if ($v === null) {
            if (!array_key_exists($lang, $not_planned)) {
                $fail('language_missing', "There is no $lang version: translate the post, or record that it will not be translated and why.", ['lang' => $lang]);
            }
            continue;
        }
        if (($v['source_lang'] ?? '') === $lang) {
            continue;
        }
        $units = json_decode((string) ($v['units'] ?? ''), true);
        $blocks = is_array($units['blocks'] ?? null) ? $units['blocks'] : null;
        if ($blocks === null) {
            $fail('language_outdated', "The $lang version carries no translation block states (valise_units): sync it from the desktop.", ['lang' => $lang]);
            continue;
        }
        $open = count(array_filter($blocks, static fn ($b) => ($b['state'] ?? '') !== 'current'));
        if ($open > 0) {
            $fail('language_outdated', sprintf('The %s version is not complete: %d %s to translate or update.', $lang, $open, $open === 1 ? 'block' : 'blocks'), ['lang' => $lang]);
        }
    }
}
