import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{a,b}from"./chunk-RLWBLAVX.js";import"./chunk-IEHWOMZX.js";import"./chunk-FH2WFPYC.js";import"./chunk-XW6WB3GR.js";export{b as replaceFile,a as writeFixed};
