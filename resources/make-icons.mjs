// Draws Warren's icons (a burrow: an earth mound with a tunnel entrance) and writes them as PNGs.
// There are no image tools in the build environment, so this is a tiny rasteriser over signed
// distance functions plus a minimal PNG encoder on node:zlib. Run: node resources/make-icons.mjs
// The PNGs are committed; re-run only when the drawing changes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const outDir = path.dirname(fileURLToPath(import.meta.url));

// ── PNG encoding ───────────────────────────────────────────────────────────────────────────────
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** rgba: Uint8Array of size*size*4, straight (not premultiplied) alpha. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  // Each scanline starts with its filter type; 0 (None) keeps the encoder trivial.
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ── Rasterising ────────────────────────────────────────────────────────────────────────────────
/** shade(x, y) in unit coordinates (0..1, y down) → [r, g, b, a] (0..255, straight alpha). */
function render(size, shade, samples = 4) {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          // Average premultiplied, so transparent samples do not darken the edges.
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round(a / (samples * samples));
    }
  return out;
}

// Signed distances (negative inside).
const disk = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const box = (x, y, x0, y0, x1, y1) => {
  const dx = Math.max(x0 - x, x - x1);
  const dy = Math.max(y0 - y, y - y1);
  return dx > 0 && dy > 0 ? Math.hypot(dx, dy) : Math.max(dx, dy);
};

const GROUND = 0.8;
/** The burrow: a half-disc mound on a ground bar, minus an arched tunnel entrance. */
function burrow(x, y) {
  const mound = Math.max(disk(x, y, 0.5, GROUND, 0.42), y - GROUND);
  const ground = box(x, y, 0.04, GROUND - 0.001, 0.96, GROUND + 0.1);
  const hole = Math.min(disk(x, y, 0.5, GROUND, 0.19), box(x, y, 0.31, GROUND, 0.69, 1));
  return Math.max(Math.min(mound, ground), -hole);
}
const light = (x, y) => disk(x, y, 0.5, GROUND - 0.06, 0.075);
const badge = (x, y) => disk(x, y, 0.82, 0.2, 0.16);

const transparent = [0, 0, 0, 0];
const BLACK = [0, 0, 0, 255];

// macOS template images: black + alpha only; the menu bar recolours them.
function templateShade(state) {
  return (x, y) => {
    if (burrow(x, y) < 0) return BLACK;
    if (state === 'active' && light(x, y) < 0) return BLACK;
    if (state === 'warning' && badge(x, y) < 0) return BLACK;
    return transparent;
  };
}

// Coloured tray icons (Windows, Linux): a dark rim keeps them visible on light and dark panels.
const TRAY_COLOURS = {
  idle: [[154, 160, 166], [60, 64, 70]],
  active: [[47, 179, 107], [18, 90, 50]],
  warning: [[242, 163, 44], [130, 80, 10]],
};
function trayShade(state, size) {
  const [fill, rim] = TRAY_COLOURS[state];
  const rimWidth = 1.2 / size;
  return (x, y) => {
    const d = burrow(x, y);
    if (d < -rimWidth) return [...fill, 255];
    if (d < 0) return [...rim, 255];
    if (state === 'active' && light(x, y) < 0) return [255, 230, 140, 255];
    if (state === 'warning' && badge(x, y) < 0) return badge(x, y) < -rimWidth ? [...fill, 255] : [...rim, 255];
    return transparent;
  };
}

// The app icon: dusk sky in a rounded square, a warm mound with a lit tunnel.
function appShade(x, y) {
  const corner = 0.2;
  const square = box(x, y, 0.04 + corner, 0.04 + corner, 0.96 - corner, 0.96 - corner) - corner;
  if (square > 0) return transparent;
  const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
  const d = burrow(x, y);
  const hole = Math.min(disk(x, y, 0.5, GROUND, 0.19), box(x, y, 0.31, GROUND, 0.69, 1));
  if (hole < 0 && y < GROUND + 0.1) {
    const glow = Math.max(0, 1 - Math.hypot(x - 0.5, y - (GROUND - 0.02)) / 0.19);
    return [...mix([26, 20, 16], [255, 214, 120], glow ** 1.6), 255];
  }
  if (d < 0) {
    const t = Math.min(1, Math.max(0, (y - 0.38) / 0.52));
    const rim = d > -0.012 ? 0.25 : 0;
    return [...mix(mix([214, 150, 88], [150, 92, 48], t), [90, 52, 26], rim), 255];
  }
  if (y > GROUND + 0.1) return [...mix([92, 62, 38], [70, 46, 28], (y - GROUND) / 0.2), 255];
  const t = Math.min(1, Math.max(0, y / GROUND));
  const sky = mix([27, 36, 54], [58, 78, 112], t);
  const star = [[0.22, 0.22], [0.74, 0.16], [0.86, 0.36], [0.34, 0.12]].some(([sx, sy]) => Math.hypot(x - sx, y - sy) < 0.012);
  return [...(star ? [235, 240, 255] : sky), 255];
}

function write(name, size, shade) {
  writeFileSync(path.join(outDir, name), encodePng(size, render(size, shade)));
  console.log(`wrote resources/${name} (${size}×${size})`);
}

for (const state of ['idle', 'active', 'warning']) {
  const base = state === 'idle' ? 'trayTemplate' : state === 'active' ? 'trayActiveTemplate' : 'trayWarningTemplate';
  write(`${base}.png`, 16, templateShade(state));
  write(`${base}@2x.png`, 32, templateShade(state));
  write(`tray-${state}.png`, 16, trayShade(state, 16));
  write(`tray-${state}@2x.png`, 32, trayShade(state, 32));
}
write('icon.png', 512, appShade);
