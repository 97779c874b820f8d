import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{a,b,c}from"./chunk-JPHJW36H.js";import"./chunk-CV5L7OPV.js";import"./chunk-RLWBLAVX.js";import"./chunk-IEHWOMZX.js";import"./chunk-VD4OLBVZ.js";import"./chunk-OQ3HYGLV.js";import"./chunk-FH2WFPYC.js";import"./chunk-XW6WB3GR.js";export{a as fixAll,b as fixInPasses,c as wholeTrees};
