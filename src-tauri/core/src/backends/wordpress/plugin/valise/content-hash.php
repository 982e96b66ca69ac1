<?php
/**
 * The canonical content hash v1 and the audit entry hash (format 1), copied
 * from valise-core (workflow/rules/content.rs, workflow/audit.rs) so that the
 * server can check what a signature was pinned to. tests/vectors.json, written
 * by the Rust side, keeps the two in step (tests/wordpress/check runs it).
 */

defined('ABSPATH') || exit;

/**
 * Rust's char::is_whitespace (Unicode White_Space), spelled out: PCRE's \s
 * differs from it (U+0085 among others), and one differing space would make
 * the server refuse a valid approval.
 */
const VALISE_WS = '[\x{0009}-\x{000D}\x{0020}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]';

/** Thrown when text cannot be hashed (not UTF-8, or no Unicode normaliser). */
class Valise_Hash_Error extends RuntimeException
{
}

function valise_rtrim(string $s): string
{
    $out = preg_replace('/' . VALISE_WS . '+\z/u', '', $s);
    if ($out === null) {
        throw new Valise_Hash_Error('text is not valid UTF-8');
    }
    return $out;
}

function valise_trim(string $s): string
{
    $out = preg_replace('/\A' . VALISE_WS . '+/u', '', valise_rtrim($s));
    if ($out === null) {
        throw new Valise_Hash_Error('text is not valid UTF-8');
    }
    return $out;
}

/** A field as signed: NFC, "\n" line ends, no trailing whitespace on a line or at the end. */
function valise_canonical_field(string $text): string
{
    if (!class_exists('Normalizer')) {
        throw new Valise_Hash_Error('PHP has no Unicode normaliser: install the intl extension (php-intl)');
    }
    if (!Normalizer::isNormalized($text, Normalizer::FORM_C)) {
        $text = Normalizer::normalize($text, Normalizer::FORM_C);
        if ($text === false) {
            throw new Valise_Hash_Error('text is not valid UTF-8');
        }
    }
    $text = str_replace(["\r\n", "\r"], "\n", $text);
    $lines = array_map('valise_rtrim', explode("\n", $text));
    return valise_rtrim(implode("\n", $lines));
}

/**
 * One language version as a step covers it, from loose input (JSON decoded or
 * read from WordPress): lang, title, summary, body, share_text, tags, place_line, assets.
 */
function valise_version_content(array $v): array
{
    $str = static fn ($k) => isset($v[$k]) && is_scalar($v[$k]) ? (string) $v[$k] : '';
    $tags = [];
    foreach ((is_array($v['tags'] ?? null) ? $v['tags'] : []) as $t) {
        if (is_string($t)) {
            $tags[] = $t;
        }
    }
    $assets = [];
    foreach ((is_array($v['assets'] ?? null) ? $v['assets'] : []) as $a) {
        if (is_array($a)) {
            $assets[] = ['id' => (string) ($a['id'] ?? ''), 'checksum' => (string) ($a['checksum'] ?? '')];
        }
    }
    return [
        'lang' => $str('lang'), 'title' => $str('title'), 'summary' => $str('summary'),
        'body' => $str('body'), 'share_text' => $str('share_text'), 'tags' => $tags,
        'place_line' => $str('place_line'), 'assets' => $assets,
    ];
}

function valise_canonical_versions(array $versions): array
{
    $out = [];
    foreach ($versions as $raw) {
        $v = valise_version_content($raw);
        $tags = [];
        foreach ($v['tags'] as $t) {
            $t = valise_canonical_field(valise_trim($t));
            if ($t !== '') {
                $tags[] = $t;
            }
        }
        sort($tags, SORT_STRING);
        $assets = $v['assets'];
        usort($assets, static fn ($a, $b) => strcmp($a['id'], $b['id']) ?: strcmp($a['checksum'], $b['checksum']));
        $out[] = [
            'lang' => valise_trim($v['lang']),
            'title' => valise_canonical_field($v['title']),
            'summary' => valise_canonical_field($v['summary']),
            'body' => valise_canonical_field($v['body']),
            'share_text' => valise_canonical_field($v['share_text']),
            'tags' => array_values(array_unique($tags, SORT_STRING)),
            'place_line' => valise_canonical_field($v['place_line']),
            'assets' => array_values(array_unique(array_map('serialize', $assets))),
        ];
    }
    // usort is stable (PHP 8), like Rust's sort_by: equal languages keep their order.
    usort($out, static fn ($a, $b) => strcmp($a['lang'], $b['lang']));
    return $out;
}

/** "v1:" and the SHA-256, in hex, of the versions' canonical form. */
function valise_content_hash(array $versions): string
{
    $h = hash_init('sha256');
    $field = static function (string $tag, string $value) use ($h): void {
        hash_update($h, $tag . pack('P', strlen($value)) . $value);
    };
    hash_update($h, 'S' . chr(1) . pack('P', count($versions)));
    foreach (valise_canonical_versions($versions) as $v) {
        $field('L', $v['lang']);
        $field('T', $v['title']);
        $field('U', $v['summary']);
        $field('B', $v['body']);
        $field('X', $v['share_text']);
        $field('P', $v['place_line']);
        hash_update($h, pack('P', count($v['tags'])));
        foreach ($v['tags'] as $t) {
            $field('G', $t);
        }
        hash_update($h, pack('P', count($v['assets'])));
        foreach ($v['assets'] as $serialized) {
            $a = unserialize($serialized, ['allowed_classes' => false]);
            $field('A', $a['id']);
            $field('C', $a['checksum']);
        }
    }
    return 'v1:' . hash_final($h);
}

/**
 * The raw 32-byte SHA-256 of an audit entry's canonical form, format 1: the
 * prefix, then each field absent (0x00) or present (0x01, 4-byte big-endian
 * length, bytes).
 */
function valise_audit_entry_hash(array $e): string
{
    $h = hash_init('sha256');
    hash_update($h, 'valise-audit-entry/1');
    $field = static function ($value) use ($h): void {
        if ($value === null) {
            hash_update($h, "\x00");
            return;
        }
        $value = (string) $value;
        hash_update($h, "\x01" . pack('N', strlen($value)) . $value);
    };
    $field((string) $e['seq']);
    $field($e['id']);
    $field((string) $e['at_ms']);
    $field($e['author']);
    $field($e['author_key']);
    $field($e['post'] ?? null);
    $field($e['step'] ?? null);
    $field($e['kind']);
    $field($e['payload']);
    $field($e['prev_hash']);
    return hash_final($h, true);
}
