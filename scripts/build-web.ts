/** `npm run build:web`: the web app into web/build, safely beside a running `npm start` (lib/web-build.ts). */
import { buildWeb } from './lib/web-build';

buildWeb((m) => console.log(`[build:web] ${m}`)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[build:web] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
