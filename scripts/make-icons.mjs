// Renders public/icon.svg into the PNG icons the manifest and index.html point at.
// Run after editing the SVG: `node scripts/make-icons.mjs` (needs a Chromium; set CHROMIUM_PATH if it is
// not /usr/bin/chromium). The PNGs are committed, so building the app never needs a browser.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const sizes = [192, 512];

const svg = await readFile(`${publicDir}icon.svg`, 'utf8');
// The PNGs are maskable (the platform cuts its own shape) and the 192 one is also the apple-touch-icon
// (iOS rounds it and shows transparency as black), so they get a full-bleed square background instead
// of the SVG's rounded corners. The artwork already sits inside the maskable safe zone.
const squared = svg.replace(/(<rect id="background"[^>]*?)\s+rx="[^"]*"/, '$1');
if (squared === svg) throw new Error('icon.svg: no <rect id="background" rx="..."> to square off');

const browser = await launchChromium();
try {
  for (const size of sizes) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    // Rasterize at the target size (not a downscaled 512) so thin strokes stay crisp.
    const src = `data:image/svg+xml;base64,${Buffer.from(squared).toString('base64')}`;
    await page.setContent(
      `<!doctype html><style>html,body{margin:0}img{display:block}</style>` +
        `<img src="${src}" width="${size}" height="${size}" alt="">`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: size, height: size } });
    await writeFile(`${publicDir}icon-${size}.png`, png);
    await page.close();
    console.log(`public/icon-${size}.png`);
  }
} finally {
  await browser.close();
}
