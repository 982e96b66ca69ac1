// URLs of the window's asset scheme, as the core's `assets::serve` answers
// them: files and thumbnails named by checksum. WebView2 (Windows) reaches a
// custom scheme over http; WebKit names it as such.
const SCHEME = 'valise-asset';

const origin = (): string =>
  typeof navigator !== 'undefined' && /Windows/.test(navigator.userAgent)
    ? `http://${SCHEME}.localhost`
    : `${SCHEME}://localhost`;

export const fileUrl = (sha256: string): string => `${origin()}/file/${sha256}`;

export const thumbnailUrl = (sha256: string, size: number): string => `${origin()}/thumb/${sha256}/${size}`;
