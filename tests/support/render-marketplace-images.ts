// Renders the marketplace images in public/ from their SVG sources, at the sizes BigCommerce's Developer Portal asks
// for (docs/integrations/apps/guide/publishing.mdx: App Icon 200 x 200, App Logo 350 x 130, Alternate Logo 259 x 158
// "or larger at ratio"), each also at 2x. Text is set in Source Sans 3 from @fontsource, as the app's pages are.
//
//   npx tsx tests/support/render-marketplace-images.ts        (Debian Chromium, as the browser tests use)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const font = readFileSync(path.join(root, 'node_modules/@fontsource/source-sans-3/files/source-sans-3-latin-700-normal.woff2')).toString('base64');

const images = [
  { source: 'icon.svg', width: 200, height: 200, out: ['icon-200.png', 'icon-400.png'], transparent: true },
  { source: 'logo.svg', width: 350, height: 130, out: ['logo-350x130.png', 'logo-700x260.png'], transparent: false },
  { source: 'logo-alternate.svg', width: 259, height: 158, out: ['logo-alternate-259x158.png', 'logo-alternate-518x316.png'], transparent: false },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const image of images) {
    const svg = readFileSync(path.join(root, 'public', image.source), 'utf8');
    for (const [index, out] of image.out.entries()) {
      const scale = index + 1;
      const page = await browser.newPage({ viewport: { width: image.width, height: image.height }, deviceScaleFactor: scale });
      await page.setContent(
        `<!doctype html><style>@font-face{font-family:'Source Sans 3';font-weight:700;src:url(data:font/woff2;base64,${font}) format('woff2')}` +
          `html,body{margin:0;background:transparent}svg{display:block;width:${image.width}px;height:${image.height}px}</style>${svg}`,
      );
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(root, 'public', out), omitBackground: image.transparent });
      await page.close();
      console.log(`public/${out}`);
    }
  }
} finally {
  await browser.close();
}
