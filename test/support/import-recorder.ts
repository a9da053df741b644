/**
 * `node --import <this file>`: records every import the process makes, as "importer<TAB>imported" URL
 * lines appended to the file named by VGW_IMPORT_RECORD (issue 14: what `vgw run` loads). The hooks
 * run on Node's loader thread (import-recorder-hooks.ts); registered after tsx, they see what tsx
 * resolved, so sources and compiled code are recorded alike.
 */
import { register } from 'node:module';

const file = process.env.VGW_IMPORT_RECORD;
if (!file) throw new Error('import-recorder: set VGW_IMPORT_RECORD to the file that receives the imports');
register('./import-recorder-hooks.ts', import.meta.url, { data: { file } });
