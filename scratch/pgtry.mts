import { PostgresServer } from '/work/wt/pg/test/support/postgres.ts';
import pg from 'pg';
const s = new PostgresServer(); const t=Date.now();
await s.start(); console.log('started', Date.now()-t, s.url);
const c = new pg.Client(s.url); await c.connect(); console.log((await c.query('select version()')).rows[0]); await c.end();
s.destroy();
