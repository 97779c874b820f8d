import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{a}from"./chunk-FH2WFPYC.js";import s from"node:fs/promises";import e from"node:path";function d(r,n){let t=e.relative(r,n);return t===""||t!==".."&&!t.startsWith(`..${e.sep}`)&&!e.isAbsolute(t)}async function l(r,n){for(let t=1;;t++){let o=e.join(e.dirname(r),`.${e.basename(r)}.${n}-${a().randomBytes(8).toString("hex")}.tmp`);try{return{path:o,handle:await s.open(o,"wx",384)}}catch(i){if(i.code!=="EEXIST"||t===5)throw i}}}export{d as a,l as b};
