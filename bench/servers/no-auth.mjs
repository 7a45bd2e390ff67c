// Baseline: the same route with no authentication at all.
import { appModule, meController, serve } from './app.mjs';

await serve(appModule({ controllers: [meController(() => 'anonymous')] }));
