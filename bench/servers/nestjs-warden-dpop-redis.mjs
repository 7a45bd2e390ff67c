// nestjs-warden-dpop.mjs with its replay store on Redis (as several replicas run it): one SET NX PX per request.
process.env.BENCH_REPLAY = 'redis';
await import('./nestjs-warden-dpop.mjs');
